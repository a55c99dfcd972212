//! Walks every route in the route table as every role, as another organisation's partner lead, and
//! anonymously, and checks each answer against one table of expectations written out by hand below.
//! A route missing from the table (or a table row naming no route) fails the test.

use crate::common;
mod targets;

use axum::http::{Method, StatusCode};
use common::{Browser, Reply, TestApp};
use std::collections::BTreeMap;
use targets::Targets;

/// Who asks, in the order of the table's columns.
const ACTORS: [&str; 8] = [
    "anonymous",
    "admin",
    "lead",
    "otherlead",
    "programme",
    "analyst",
    "clinician",
    "vcse",
];

/// Expected outcome per actor: A = allowed, D = denied (403), S = must sign in first (redirect or 401).
/// Targets: {id} is the partner lead's own organisation (an acute trust) or something in it.
const EXPECTED: &str = "
GET /                                         A A A A A A A A
GET /healthz                                  A A A A A A A A
GET /help                                     A A A A A A A A
GET /search                                   S A A A A A A A
GET /help/glossary                            A A A A A A A A
GET /accessibility                            A A A A A A A A
GET /privacy                                  A A A A A A A A
GET /contact                                  A A A A A A A A
GET /assets/{*path}                           A A A A A A A A
GET /login                                    A A A A A A A A
POST /login                                   A A A A A A A A
GET /api/openapi.json                         A A A A A A A A
POST /logout                                  S A A A A A A A
GET /account                                  S A A A A A A A
POST /account/tokens                          S A A A A A A A
POST /account/tokens/{id}/revoke              S A A A A A A A
GET /notifications                            S A A A A A A A
POST /notifications/read                      S A A A A A A A
GET /notifications/settings                   S A A A A A A A
POST /notifications/settings                  S A A A A A A A
POST /notifications/{id}/open                 S A A A A A A A
GET /notifications/unsubscribe/{token}        A A A A A A A A
POST /notifications/unsubscribe/{token}       A A A A A A A A
GET /admin/mail                               S A D D D D D D
POST /admin/mail/retry                        S A D D D D D D
GET /directory                                S A A A A A A A
GET /organisations/new                        S A D D D D D D
POST /organisations                           S A D D D D D D
GET /organisations/{id}                       S A A A A A A A
GET /organisations/{id}/edit                  S A A D D D D D
POST /organisations/{id}/edit                 S A A D D D D D
GET /organisations/{id}/places                S A A D D D D D
POST /organisations/{id}/places               S A A D D D D D
POST /organisations/{id}/memberships          S A A D D D D D
GET /organisations/{id}/people/new            S A A D D D D D
POST /organisations/{id}/people               S A A D D D D D
GET /organisations/{id}/boards/new            S A A D D D D D
POST /organisations/{id}/boards               S A A D D D D D
POST /memberships/{id}/delete                 S A A D D D D D
GET /people                                   S A A A A A A A
GET /people/{id}                              S A A A A A A A
GET /people/{id}/edit                         S A A D D D D D
POST /people/{id}/edit                        S A A D D D D D
POST /people/{id}/account                     S A D D D D D D
GET /places                                   S A A A A A A A
GET /places/new                               S A D D D D D D
POST /places                                  S A D D D D D D
GET /places/{id}                              S A A A A A A A
GET /places/{id}/edit                         S A D D D D D D
POST /places/{id}/edit                        S A D D D D D D
GET /boards                                   S A A A A A A A
GET /boards/{id}                              S A A A A A A A
GET /boards/{id}/edit                         S A A D D D D D
POST /boards/{id}/edit                        S A A D D D D D
POST /boards/{id}/members                     S A A D D D D D
POST /boards/{id}/members/{person_id}/delete  S A A D D D D D
GET /rounds                                   S A A A A A A A
GET /rounds/{id}                              S A A A A A A A
GET /rounds/{id}/alignment                    S A A A A A A A
GET /boards/{id}/rounds/new                   S A A D D D D D
POST /boards/{id}/rounds                      S A A D D D D D
GET /rounds/{id}/edit                         S A A D D D D D
POST /rounds/{id}/edit                        S A A D D D D D
POST /rounds/{id}/areas                       S A A D D D D D
GET /rounds/{id}/views/{organisation_id}      S A A D D D D D
POST /rounds/{id}/views/{organisation_id}     S A A D D D D D
GET /rounds/{id}/priorities                   S A A D D D D D
POST /rounds/{id}/areas/{area_id}/priority    S A A D D D D D
GET /rounds/{id}/objectives/new               S A A D D D D D
POST /rounds/{id}/objectives                  S A A D D D D D
GET /rounds/{id}/proposals/new                S A A D D D D D
POST /rounds/{id}/proposals                   S A A D D D D D
GET /proposals/{id}                           S A A A A A A A
GET /proposals/{id}/amend                     S A A D D D D D
POST /proposals/{id}/amend                    S A A D D D D D
POST /proposals/{id}/decision                 S A A D D D D D
POST /proposals/{id}/responses/{organisation_id} S D A D D D D D
GET /rounds/{id}/vision                       S A A A A A A A
GET /rounds/{id}/vision/edit                  S A A D D D D D
POST /rounds/{id}/vision                      S A A D D D D D
GET /rounds/{id}/vision/diff                  S A A A A A A A
POST /rounds/{id}/vision/comments             S A A A A A A A
GET /programmes                               S A A A A A A A
GET /programmes/{id}                          S A A A A A A A
GET /programmes/{id}/highlight                S A A A A A A A
GET /programmes/{id}/highlight.pdf            S A A A A A A A
GET /dependencies                             S A A A A A A A
GET /my-work                                  S A A A A A A A
GET /organisations/{id}/programmes/new        S A A D D D D D
POST /organisations/{id}/programmes           S A A D D D D D
GET /programmes/{id}/edit                     S A A D A D D D
POST /programmes/{id}/edit                    S A A D A D D D
GET /programmes/{id}/report/new               S A A D A D D D
POST /programmes/{id}/report                  S A A D A D D D
GET /programmes/{id}/projects/new             S A A D A D D D
POST /programmes/{id}/projects                S A A D A D D D
GET /programmes/{id}/milestones/new           S A A D A D D D
POST /programmes/{id}/milestones              S A A D A D D D
GET /programmes/{id}/benefits/new             S A A D A D D D
POST /programmes/{id}/benefits                S A A D A D D D
POST /programmes/{id}/benefits/{item_id}/readings S A A D A D D D
GET /programmes/{id}/risks/new                S A A D A D D D
POST /programmes/{id}/risks                   S A A D A D D D
GET /programmes/{id}/risks/{item_id}/review/new S A A D A D D D
POST /programmes/{id}/risks/{item_id}/review  S A A D A D D D
GET /programmes/{id}/risks/{item_id}/escalate/new S A A D A D D D
POST /programmes/{id}/risks/{item_id}/escalate S A A D A D D D
POST /programmes/{id}/risks/{item_id}/close   S A A D A D D D
GET /programmes/{id}/raid/new                 S A A D A D D D
POST /programmes/{id}/raid                    S A A D A D D D
GET /programmes/{id}/raid/{item_id}/escalate/new S A A D A D D D
POST /programmes/{id}/raid/{item_id}/escalate S A A D A D D D
POST /programmes/{id}/raid/{item_id}/close    S A A D A D D D
GET /programmes/{id}/dependencies/new         S A A D A D D D
POST /programmes/{id}/dependencies            S A A D A D D D
GET /boards/{id}/meetings/new                 S A A D D D D D
POST /boards/{id}/meetings                    S A A D D D D D
GET /meetings/{id}                            S A A A A A A A
GET /meetings/{id}/pack                       S A A A A A A A
GET /meetings/{id}/pack/draft                 S A A A A A A A
GET /meetings/{id}/pack/versions/{version}    S A A A A A A A
GET /meetings/{id}/pack/versions/{version}/pdf S A A A A A A A
POST /meetings/{id}/pack/issue                S A A D D D D D
GET /meetings/{id}/apologies/new              S A A D D D D D
POST /meetings/{id}/apologies                 S A A D D D D D
GET /meetings/{id}/declarations/new           S A A D D D D D
POST /meetings/{id}/declarations              S A A D D D D D
POST /meetings/{id}/minutes/approve-previous  S A A D D D D D
GET /meetings/{id}/pack.pdf                   S A A A A A A A
GET /meetings/{id}/agenda/new                 S A A D D D D D
POST /meetings/{id}/agenda                    S A A D D D D D
GET /meetings/{id}/scenarios/new              S A A D D D D D
POST /meetings/{id}/scenarios                 S A A D D D D D
GET /meetings/{id}/minutes/new                S A A D D D D D
POST /meetings/{id}/minutes                   S A A D D D D D
GET /meetings/{id}/decisions/new              S D A D D D D D
POST /meetings/{id}/decisions                 S D A D D D D D
GET /meetings/{id}/actions/new                S D A D D D D D
POST /meetings/{id}/actions                   S D A D D D D D
POST /actions/{id}/complete                   S D A D D D D A
GET /programmes/{id}/milestones/{item_id}/edit S A A D A D D D
POST /programmes/{id}/milestones/{item_id}/edit S A A D A D D D
GET /improvement                              S A A A A A A A
GET /measure                                  S A A A A A A A
GET /metrics/{id}                             S A A A A A A A
GET /series/{id}                              S A A A A A A A
GET /measure/upload                           S A A A D A D D
POST /measure/upload                          S A A A D A D D
GET /metrics/new                              S A A A D A D D
POST /metrics/new                             S A A A D A D D
GET /metrics/{id}/edit                        S A D D D D D D
POST /metrics/{id}/edit                       S A D D D D D D
POST /series/{id}/rebases                     S A D D D D D D
POST /series/{id}/rebases/remove              S A D D D D D D
GET /finance                                  S A A A A A A A
GET /finance/setup                            S A D D D D D D
POST /finance/years                           S A D D D D D D
POST /finance/pools                           S A D D D D D D
GET /finance/upload                           S A A A D A D D
POST /finance/upload                          S A A A D A D D
GET /finance/{id}                             S A A A A A A A
GET /finance/{id}/organisations/{organisation_id} S A A A A A A A
GET /api/v1/metrics                           S A A A A A A A
POST /api/v1/metrics                          S A A A D A D D
GET /api/v1/metrics/{id}                      S A A A A A A A
PUT /api/v1/metrics/{id}                      S A D D D D D D
GET /api/v1/series/{id}                       S A A A A A A A
POST /api/v1/metric-values                    S A A A D A D D
POST /api/v1/series/{id}/rebases              S A D D D D D D
DELETE /api/v1/series/{id}/rebases/{starts_on} S A D D D D D D
GET /api/v1/finance/years                     S A A A A A A A
PUT /api/v1/finance/years                     S A D D D D D D
GET /api/v1/finance/years/{id}                S A A A A A A A
GET /api/v1/finance/years/{id}/organisations/{organisation_id} S A A A A A A A
GET /api/v1/finance/years/{id}/pooled-budgets S A A A A A A A
POST /api/v1/finance/pooled-budgets           S A D D D D D D
POST /api/v1/finance/returns/{id}             S A A A D A D D
GET /improvement/{id}                         S A A A A A A A
GET /organisations/{id}/improvement/new       S A A D D D D D
POST /organisations/{id}/improvement          S A A D D D D D
GET /improvement/{id}/drivers/new             S A A D D D A D
POST /improvement/{id}/drivers                S A A D D D A D
GET /improvement/{id}/ideas/new               S A A D D D A D
POST /improvement/{id}/ideas                  S A A D D D A D
GET /improvement/{id}/cycles/new              S A A D D D A D
POST /improvement/{id}/cycles                 S A A D D D A D
GET /improvement/{id}/cycles/{item_id}/edit   S A A D D D A D
POST /improvement/{id}/cycles/{item_id}/edit  S A A D D D A D
GET /improvement/{id}/readings/new            S A A D D D A D
POST /improvement/{id}/readings               S A A D D D A D
GET /public                                   A A A A A A A A
GET /public/rounds/{id}                       A A A A A A A A
GET /audit                                    S A D D D D D D
GET /audit/export.csv                         S A D D D D D D
GET /population                               S A A A A A A A
GET /population/cohorts                       S A A A A A A A
POST /population/cohorts                      S A A A D A D D
GET /population/cohorts/new                   S A A A D A D D
POST /population/cohorts/preview              S A A A D A D D
GET /population/cohorts/{id}                  S A A A A A A A
GET /population/cohorts/{id}/results.csv      S A A A A A A A
GET /population/cohorts/{id}/edit             S A A D D D D D
POST /population/cohorts/{id}/edit            S A A D D D D D
GET /population/cohorts/{id}/worklist         S D D D D D A D
GET /population/cohorts/{id}/worklist.csv     S D D D D D A D
POST /population/cohorts/{id}/worklist/marks/{organisation_id} S D D D D D D D
GET /population/cohorts/{id}/break-glass      S D D D D D A D
POST /population/cohorts/{id}/break-glass     S D D D D D A D
GET /population/break-glass                   S A D D D D D D
POST /population/break-glass/{id}/review      S A D D D D D D
GET /population/registered-list               S D D D D D A D
POST /population/registered-list              S D D D D D A D
GET /api/v1/population                       S A A A A A A A
GET /api/v1/population/cohorts                S A A A A A A A
POST /api/v1/population/cohorts               S A A A D A D D
GET /api/v1/population/cohorts/{id}           S A A A A A A A
PUT /api/v1/population/cohorts/{id}           S A A D D D D D
POST /api/v1/population/counts                S A A A D A D D
GET /api/v1/me                                S A A A A A A A
GET /api/v1/organisations                     S A A A A A A A
GET /api/v1/search                            S A A A A A A A
GET /api/v1/me/notifications                  S A A A A A A A
POST /api/v1/organisations                    S A D D D D D D
GET /api/v1/organisations/{id}                S A A A A A A A
PUT /api/v1/organisations/{id}                S A A D D D D D
PUT /api/v1/organisations/{id}/places         S A A D D D D D
GET /api/v1/organisations/{id}/memberships    S A A A A A A A
POST /api/v1/organisations/{id}/memberships   S A A D D D D D
POST /api/v1/organisations/{id}/people        S A A D D D D D
POST /api/v1/organisations/{id}/boards        S A A D D D D D
DELETE /api/v1/memberships/{id}               S A A D D D D D
GET /api/v1/places                            S A A A A A A A
POST /api/v1/places                           S A D D D D D D
GET /api/v1/places/{id}                       S A A A A A A A
PUT /api/v1/places/{id}                       S A D D D D D D
GET /api/v1/people                            S A A A A A A A
GET /api/v1/people/{id}                       S A A A A A A A
PUT /api/v1/people/{id}                       S A A D D D D D
GET /api/v1/boards                            S A A A A A A A
GET /api/v1/boards/{id}                       S A A A A A A A
PUT /api/v1/boards/{id}                       S A A D D D D D
GET /api/v1/boards/{id}/members               S A A A A A A A
POST /api/v1/boards/{id}/members              S A A D D D D D
DELETE /api/v1/boards/{id}/members/{person_id} S A A D D D D D
GET /api/v1/audit                             S A D D D D D D
GET /api/v1/rounds                            S A A A A A A A
GET /api/v1/rounds/{id}/alignment             S A A A A A A A
PUT /api/v1/rounds/{id}/views/{organisation_id} S A A D D D D D
GET /api/v1/rounds/{id}                       S A A A A A A A
PUT /api/v1/rounds/{id}/areas/{area_id}/priority S A A D D D D D
POST /api/v1/rounds/{id}/objectives           S A A D D D D D
GET /api/v1/proposals/{id}                    S A A A A A A A
PUT /api/v1/proposals/{id}/responses/{organisation_id} S D A D D D D D
POST /api/v1/boards/{id}/rounds               S A A D D D D D
PUT /api/v1/rounds/{id}                       S A A D D D D D
POST /api/v1/rounds/{id}/areas                S A A D D D D D
GET /api/v1/rounds/{id}/vision                S A A A A A A A
POST /api/v1/rounds/{id}/vision               S A A D D D D D
POST /api/v1/rounds/{id}/vision/comments      S A A A A A A A
POST /api/v1/rounds/{id}/proposals            S A A D D D D D
PUT /api/v1/proposals/{id}                    S A A D D D D D
POST /api/v1/proposals/{id}/decision          S A A D D D D D
GET /api/v1/programmes                        S A A A A A A A
POST /api/v1/organisations/{id}/programmes    S A A D D D D D
GET /api/v1/programmes/{id}                   S A A A A A A A
PUT /api/v1/programmes/{id}                   S A A D A D D D
POST /api/v1/programmes/{id}/reports          S A A D A D D D
POST /api/v1/programmes/{id}/projects         S A A D A D D D
PUT /api/v1/programmes/{id}/projects/{item_id} S A A D A D D D
POST /api/v1/programmes/{id}/milestones       S A A D A D D D
PUT /api/v1/programmes/{id}/milestones/{item_id} S A A D A D D D
POST /api/v1/programmes/{id}/benefits         S A A D A D D D
PUT /api/v1/programmes/{id}/benefits/{item_id}/readings S A A D A D D D
POST /api/v1/programmes/{id}/risks            S A A D A D D D
POST /api/v1/programmes/{id}/risks/{item_id}/reviews S A A D A D D D
POST /api/v1/programmes/{id}/risks/{item_id}/escalation S A A D A D D D
POST /api/v1/programmes/{id}/raid             S A A D A D D D
POST /api/v1/programmes/{id}/dependencies     S A A D A D D D
GET /api/v1/programmes/{id}/highlight         S A A A A A A A
GET /api/v1/dependencies                      S A A A A A A A
GET /api/v1/boards/{id}/meetings              S A A A A A A A
POST /api/v1/boards/{id}/meetings             S A A D D D D D
GET /api/v1/meetings/{id}                     S A A A A A A A
GET /api/v1/meetings/{id}/pack                S A A A A A A A
POST /api/v1/meetings/{id}/agenda             S A A D D D D D
PUT /api/v1/meetings/{id}/minutes             S A A D D D D D
POST /api/v1/meetings/{id}/decisions          S D A D D D D D
POST /api/v1/meetings/{id}/actions            S D A D D D D D
POST /api/v1/actions/{id}/complete            S D A D D D D A
GET /api/v1/me/work                           S A A A A A A A
GET /api/v1/improvement                       S A A A A A A A
POST /api/v1/organisations/{id}/improvement   S A A D D D D D
GET /api/v1/improvement/{id}                  S A A A A A A A
POST /api/v1/improvement/{id}/drivers         S A A D D D A D
POST /api/v1/improvement/{id}/ideas           S A A D D D A D
POST /api/v1/improvement/{id}/cycles          S A A D D D A D
PUT /api/v1/improvement/{id}/cycles/{item_id} S A A D D D A D
POST /api/v1/improvement/{id}/readings        S A A D D D A D
GET /design                                   S A A A A A A A
GET /design/scenarios/new                     S A A A A A D D
POST /design/scenarios                        S A A A A A D D
GET /design/pathways/msk                      S A A A A A D D
POST /design/pathways/msk                     S A A A A A D D
GET /design/scenarios/{id}                    S A A A A A A A
GET /design/scenarios/{id}/edit               S A A D D D D D
POST /design/scenarios/{id}/edit              S A A D D D D D
POST /design/scenarios/{id}/runs              S A A D D D D D
GET /design/runs/{id}                         S A A A A A A A
GET /api/v1/design/scenarios                  S A A A A A A A
POST /api/v1/design/scenarios                 S A A A A A D D
GET /api/v1/design/scenarios/{id}             S A A A A A A A
PUT /api/v1/design/scenarios/{id}             S A A D D D D D
POST /api/v1/design/scenarios/{id}/runs       S A A D D D D D
GET /api/v1/design/runs/{id}                  S A A A A A A A
POST /api/v1/meetings/{id}/scenarios          S A A D D D D D
GET /services                                 S A A A A A A A
GET /services/import                          S A A A D D D A
POST /services/import                         S A A A D D D A
GET /services/export.json                     S A A A A A A A
GET /services/export.zip                      S A A A A A A A
GET /services/{id}                            S A A A A A A A
GET /services/{id}/capacity                   S A D D D D D A
POST /services/{id}/capacity                  S A D D D D D A
PUT /api/v1/services/{id}/capacity            S A D D D D D A
GET /services/{id}/refer-yourself             A A A A A A A A
POST /services/{id}/refer-yourself            A A A A A A A A
GET /services/{id}/refer-yourself/sent        A A A A A A A A
GET /referrals                                S D D D D D A A
POST /referrals                               S D D D D D A D
GET /referrals/new                            S D D D D D A D
POST /referrals/new                           S D D D D D A D
GET /referrals/figures                        S A A A A A A A
GET /api/v1/referrals/figures                 S A A A A A A A
GET /referrals/{id}                           S D D D D D A A
POST /referrals/{id}/status                   S D D D D D A A
POST /referrals/{id}/contacts                 S D D D D D A A
POST /referrals/{id}/outcomes                 S D D D D D A A
GET /api/v1/referrals                         S D D D D D A A
POST /api/v1/referrals                        S D D D D D A D
GET /api/v1/referrals/{id}                    S D D D D D A A
POST /api/v1/referrals/{id}/status            S D D D D D A A
POST /api/v1/referrals/{id}/contacts          S D D D D D A A
POST /api/v1/referrals/{id}/outcomes          S D D D D D A A
GET /api/v1/fhir/Task/{id}                    S D D D D D A A
PUT /api/v1/fhir/Task/{id}                    S D D D D D A A
POST /api/v1/fhir/ServiceRequest              S D D D D D A D
GET /api/v1/fhir/ServiceRequest/{id}          S D D D D D A A
GET /openreferral                             A A A A A A A A
GET /openreferral/services                    A A A A A A A A
GET /openreferral/services/{id}               A A A A A A A A
GET /openreferral/service_at_locations        A A A A A A A A
GET /openreferral/service_at_locations/{id}   A A A A A A A A
GET /openreferral/taxonomies                  A A A A A A A A
GET /openreferral/taxonomies/{id}             A A A A A A A A
GET /openreferral/taxonomy_terms              A A A A A A A A
GET /openreferral/taxonomy_terms/{id}         A A A A A A A A
GET /have-your-say                            A A A A A A A A
GET /have-your-say/{id}                       A A A A A A A A
POST /have-your-say/{id}                      A A A A A A A A
GET /have-your-say/{id}/thanks                A A A A A A A A
GET /have-your-say/{id}/you-said-we-did       A A A A A A A A
GET /pulse                                    S A A A A A A A
GET /pulse/rounds/new                         S A D D D D D D
POST /pulse/rounds                            S A D D D D D D
GET /pulse/rounds/{id}                        S A A A A A A A
POST /pulse/rounds/{id}/close                 S A D D D D D D
GET /pulse/rounds/{id}/answer                 S A A A A A A A
POST /pulse/rounds/{id}/answer                S A A A A A A A
GET /pulse/rounds/{id}/results.csv            S A A A A A A A
GET /pulse/trend                              S A A A A A A A
GET /pulse/events/new                         S A D D D D D D
POST /pulse/events                            S A D D D D D D
GET /api/v1/pulse/rounds                      S A A A A A A A
POST /api/v1/pulse/rounds                     S A D D D D D D
GET /api/v1/pulse/rounds/{id}/results         S A A A A A A A
POST /api/v1/pulse/rounds/{id}/close          S A D D D D D D
POST /api/v1/pulse/rounds/{id}/answers        S A A A A A A A
GET /api/v1/pulse/events                      S A A A A A A A
POST /api/v1/pulse/events                     S A D D D D D D
GET /have-your-say/rounds/{id}                A A A A A A A A
GET /relationships                            S A A A A A A A
GET /api/v1/relationships                     S A A A A A A A
GET /consultations                            S A A A A A A A
GET /consultations/new                        S A A A A A D D
POST /consultations                           S A A A A A D D
GET /consultations/{id}                       S A A A A A A A
GET /consultations/{id}/questions/new         S A A D D D D D
POST /consultations/{id}/questions            S A A D D D D D
POST /consultations/{id}/publish              S A A D D D D D
POST /consultations/{id}/close                S A A D D D D D
GET /consultations/{id}/themes/new            S A A D D D D D
POST /consultations/{id}/themes               S A A D D D D D
GET /consultations/{id}/themes/{theme_id}/answer S A A D D D D D
POST /consultations/{id}/themes/{theme_id}/answer S A A D D D D D
GET /consultations/{id}/responses/new         S A A D D D D D
POST /consultations/{id}/responses            S A A D D D D D
GET /consultations/{id}/tag                   S A A D D A D D
POST /consultations/{id}/tag                  S A A D D A D D
GET /api/v1/consultations                     S A A A A A A A
GET /api/v1/consultations/{id}                S A A A A A A A
GET /api/v1/consultations/{id}/figures        S A A A A A A A
POST /api/v1/consultations/{id}/responses     S A A D D D D D
GET /.well-known/concord/index.json           A A A A A A A A
GET /.well-known/concord/key.json             A A A A A A A A
GET /.well-known/concord/documents/{file}     A A A A A A A A
GET /.well-known/concord/documents/{slug}/{file} A A A A A A A A
GET /exchange                                 S A A A A A A A
GET /exchange/publish                         S A D D D D D D
POST /exchange/publish                        S A D D D D D D
GET /exchange/published/{slug}                S A A A A A A A
GET /exchange/case-studies/new                S A D D D D D D
POST /exchange/case-studies/preview           S A D D D D D D
POST /exchange/case-studies                   S A D D D D D D
GET /exchange/peers/new                       S A D D D D D D
POST /exchange/peers                          S A D D D D D D
GET /exchange/peers/{id}                      S A A A A A A A
POST /exchange/peers/{id}/check               S A D D D D D D
GET /exchange/peers/{id}/import               S A D D D D D D
POST /exchange/peers/{id}/import              S A D D D D D D
GET /exchange/peers/{id}/document             S A A A A A A A
GET /api/v1/exchange/published                S A A A A A A A
POST /api/v1/exchange/published               S A D D D D D D
GET /api/v1/exchange/peers                    S A A A A A A A
POST /api/v1/exchange/peers                   S A D D D D D D
POST /api/v1/exchange/peers/{id}/documents    S A D D D D D D
POST /api/v1/exchange/peers/{id}/check        S A D D D D D D
GET /api/v1/exchange/received                 S A A A A A A A
";

fn expectations() -> BTreeMap<(String, String), Vec<char>> {
    EXPECTED
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap().to_string();
            let path = parts.next().unwrap().to_string();
            let outcomes: Vec<char> = parts.map(|p| p.chars().next().unwrap()).collect();
            assert_eq!(
                outcomes.len(),
                ACTORS.len(),
                "row {method} {path} needs one outcome per actor"
            );
            ((method, path), outcomes)
        })
        .collect()
}

fn classify(path: &str, reply: &Reply) -> char {
    match reply.status {
        StatusCode::FORBIDDEN => 'D',
        StatusCode::UNAUTHORIZED if path.starts_with("/api/") => 'S',
        StatusCode::SEE_OTHER if reply.location().starts_with("/login?next=") => 'S',
        StatusCode::UNAUTHORIZED => 'A', // a failed sign-in attempt: the route itself was allowed
        // A PDF route let through on a machine without Chromium: the guard allowed it.
        StatusCode::SERVICE_UNAVAILABLE if path.ends_with(".pdf") => 'A',
        status if status.is_server_error() => panic!("{path} answered {status}: {}", reply.body),
        _ => 'A',
    }
}

#[tokio::test]
async fn every_route_answers_every_actor_as_the_table_says() {
    let app = TestApp::new().await;
    let expected = expectations();
    let routes: Vec<(String, String)> = concord_web::routes::route_table()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    for route in &routes {
        assert!(
            expected.contains_key(route),
            "route {} {} is missing from the authorisation table",
            route.0,
            route.1
        );
    }
    for row in expected.keys() {
        assert!(
            routes.contains(row),
            "the table names {} {}, which is not a route",
            row.0,
            row.1
        );
    }

    let targets = Targets::new(&app).await;
    let mut browsers: Vec<Option<Browser>> = Vec::new();
    let mut tokens: Vec<Option<String>> = Vec::new();
    for actor in ACTORS {
        if actor == "anonymous" {
            let mut anon = Browser::default();
            let page = app.get("/login", &mut anon).await;
            anon.csrf = common::csrf_in(&page.body);
            browsers.push(Some(anon));
            tokens.push(None);
        } else {
            browsers.push(Some(app.browser(actor).await));
            tokens.push(Some(app.token(actor).await));
        }
    }

    let mut failures = Vec::new();
    let mut n = 0;
    for ((method, pattern), outcomes) in &expected {
        let method: Method = method.parse().unwrap();
        for (i, actor) in ACTORS.iter().enumerate() {
            n += 1;
            let path = targets.path_for(&app, &method, pattern, n).await;
            let reply = if pattern.starts_with("/api/") && pattern != "/api/openapi.json" {
                let body =
                    matches!(method, Method::POST | Method::PUT).then(|| serde_json::json!({}));
                app.api(method.clone(), &path, tokens[i].as_deref(), body)
                    .await
            } else if method == Method::GET {
                app.get(&path, browsers[i].as_mut().unwrap()).await
            } else if pattern == "/logout" && *actor != "anonymous" {
                let mut throwaway = app.browser(actor).await;
                app.post(&path, &mut throwaway, &[]).await
            } else {
                app.post(&path, browsers[i].as_mut().unwrap(), &[]).await
            };
            let got = classify(&path, &reply);
            if got != outcomes[i] {
                failures.push(format!(
                    "{method} {pattern} as {actor}: expected {}, got {got} ({})",
                    outcomes[i], reply.status
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {n} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
