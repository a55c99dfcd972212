//! Confirmation after an action: the NHS.UK success notification banner on the page a saved form
//! goes on to.
//!
//! A successful post answers 303 with a short-lived cookie naming what was done. The cookie holds a
//! code from the fixed list below, never text from the request, so nobody can make the banner say
//! something of their choosing. The next page shows the banner ([`crate::ui::Layout::notice`]) and
//! [`clear_shown_notice`] expires the cookie once a page has shown it.

use crate::auth::{cookie, host_cookie};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next as Middleware;
use axum::response::{IntoResponse, Response};

/// The cookie carrying the notice to the next page.
pub const NOTICE_COOKIE: &str = "__Host-concord-notice";

/// How long a notice waits for its page, in seconds.
const NOTICE_SECONDS: i64 = 120;

concord_domain::vocabulary! {
    /// What a successful action says on the page it goes on to.
    Notice {
        Saved => ("saved", "Your changes have been saved."),
        RoundCreated => ("round-created", "The priority round has been created."),
        AreaAdded => ("area-added", "The area has been added to the round."),
        ViewSaved => ("view-saved", "Your organisation's view has been saved."),
        ProposalCreated => ("proposal-created", "The proposal has been created. Partners can now respond."),
        ProposalAmended => ("proposal-amended", "The proposal has been amended. Partners are asked to respond to the new version."),
        OutcomeRecorded => ("outcome-recorded", "The proposal's outcome has been recorded."),
        ResponseRecorded => ("response-recorded", "Your organisation's response has been recorded."),
        ObjectiveAdded => ("objective-added", "The objective has been added."),
        PrioritySaved => ("priority-saved", "The priority decision has been saved."),
        VisionSaved => ("vision-saved", "The vision has been saved as a new version."),
        CommentAdded => ("comment-added", "Your comment has been added."),
        RiskRaised => ("risk-raised", "The risk has been added to the RAID log."),
        RiskReviewed => ("risk-reviewed", "The risk review has been recorded."),
        Escalated => ("escalated", "The item has been escalated to the board."),
        RaidItemAdded => ("raid-item-added", "The item has been added to the RAID log."),
        DependencyAdded => ("dependency-added", "The dependency has been recorded."),
        RaidClosed => ("raid-closed", "The item has been closed."),
        ProgrammeSaved => ("programme-saved", "The programme has been saved."),
        ReportSaved => ("report-saved", "Your status report has been saved."),
        MilestoneSaved => ("milestone-saved", "The milestone has been saved."),
        BenefitSaved => ("benefit-saved", "The benefit has been saved."),
        ReadingRecorded => ("reading-recorded", "The reading has been recorded."),
        MeetingScheduled => ("meeting-scheduled", "The meeting has been scheduled."),
        AgendaItemAdded => ("agenda-item-added", "The agenda item has been added."),
        DecisionRecorded => ("decision-recorded", "The decision has been recorded."),
        ActionRecorded => ("action-recorded", "The action has been recorded."),
        MinutesSaved => ("minutes-saved", "The minutes have been saved."),
        ActionDone => ("action-done", "The action has been marked as done."),
        ProjectSaved => ("project-saved", "The project has been saved."),
        CohortSaved => ("cohort-saved", "The cohort has been saved."),
        ReviewRecorded => ("review-recorded", "Your review has been recorded."),
        WorklistMarked => ("worklist-marked", "The mark has been saved against the person on your list."),
        PlaceSaved => ("place-saved", "The place has been saved."),
        TokenRevoked => ("token-revoked", "The API token has been revoked. It can no longer be used."),
        BoardSaved => ("board-saved", "The board has been saved."),
        MemberAdded => ("member-added", "The member has been added."),
        MemberRemoved => ("member-removed", "The member has been removed."),
        OrganisationSaved => ("organisation-saved", "The organisation has been saved."),
        PersonSaved => ("person-saved", "The person has been saved."),
        AccountCreated => ("account-created", "The sign-in account has been created."),
        YearSaved => ("year-saved", "The financial year has been saved."),
        PoolSaved => ("pool-saved", "The pooled budget has been saved."),
        MetricSaved => ("metric-saved", "The metric has been saved."),
        RebaseSaved => ("rebase-saved", "The chart's rebase has been saved."),
        RebaseRemoved => ("rebase-removed", "The rebase has been removed."),
        NotificationChoicesSaved => ("notification-choices-saved", "Your notification settings have been saved."),
        NotificationsRead => ("notifications-read", "Your notifications have been marked as read."),
        Unsubscribed => ("unsubscribed", "You will no longer get e-mails of this kind. You can change this in your notification settings."),
        PackIssued => ("pack-issued", "The board pack has been issued. This version is kept exactly as issued; later changes need a new version."),
        ApologyRecorded => ("apology-recorded", "The apologies have been recorded."),
        InterestDeclared => ("interest-declared", "The declaration of interest has been recorded."),
        MinutesApproved => ("minutes-approved", "The previous meeting's minutes have been recorded as approved."),
        MailRetried => ("mail-retried", "Every waiting e-mail will be tried again within a minute."),
        ScenarioSaved => ("scenario-saved", "The scenario has been saved."),
        ScenarioLinked => ("scenario-linked", "The scenario will be shown with the agenda item in the board pack."),
        RunQueued => ("run-queued", "The run has started. It goes on in the background: you can leave this page and come back."),
        ReferralSent => ("referral-sent", "The referral has been sent to the service. You will see here when they reply."),
        ReferralKept => ("referral-kept", "The referral has been kept as a draft. It has not been sent."),
        ReferralUpdated => ("referral-updated", "The referral has been updated. Both the referrer and the service can see the change."),
        ContactRecorded => ("contact-recorded", "The contact has been recorded."),
        OutcomesRecorded => ("outcomes-recorded", "The answers have been recorded."),
        CapacityUpdated => ("capacity-updated", "The service's capacity has been updated. Referrers and the public directory see it now."),
        DocumentPublished => ("document-published", "The document has been signed and published. Other Concord systems that subscribe to this one will find it at its address."),
        PeerAdded => ("peer-added", "The system has been added with its key pinned. Only documents signed with that key will be kept."),
        PeerChecked => ("peer-checked", "The system's documents have been checked: what was new verified and has been kept. The list below shows what is kept."),
        PeerCheckRefused => ("peer-check-refused", "Nothing was kept: the check was refused. The last check below says why."),
        ConsultationSaved => ("consultation-saved", "The consultation has been saved as a draft. Add its questions, then publish it."),
        QuestionAdded => ("question-added", "The question has been added."),
        ConsultationPublished => ("consultation-published", "The consultation is published. Its questions are now fixed, and the public page takes responses between its dates."),
        ConsultationClosed => ("consultation-closed", "The consultation is closed. Its public page shows what people said and what was done."),
        ThemeAdded => ("theme-added", "The theme has been added to the codebook."),
        ThemeAnswered => ("theme-answered", "The answer has been saved. It is published beside the theme."),
        ResponseEntered => ("response-entered", "The response has been entered. You can enter the next one below."),
        ResponseSent => ("response-sent", "Your response has been sent."),
        AnswerTagged => ("answer-tagged", "Your tags have been saved. Here is the next answer."),
        PulseRoundOpened => ("pulse-round-opened", "The round is open. Everyone who holds a role in a partner organisation can answer it until it closes."),
        PulseRoundClosed => ("pulse-round-closed", "The round is closed. Its results are shown below, under the disclosure rule."),
        PulseAnswered => ("pulse-answered", "Thank you: your answer has been kept. Nobody, an administrator included, can see which answer was yours."),
        PulseEventRecorded => ("pulse-event-recorded", "The event has been recorded. Charts of the pulse mark it before the first round that closed after it."),
        SelfReferralSent => ("self-referral-sent", "Your request has been sent. The service will get in touch with you the way you asked."),
    }
}

/// Where a successful action goes on to, and what it says there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Next {
    /// The page to go on to.
    pub to: String,
    /// What the page's banner says.
    pub notice: Notice,
}

impl Next {
    /// Go on to `to`, saying `notice`.
    pub fn to(to: impl Into<String>, notice: Notice) -> Next {
        Next {
            to: to.into(),
            notice,
        }
    }
}

impl From<String> for Next {
    /// Go on to a page, saying the changes were saved.
    fn from(to: String) -> Next {
        Next::to(to, Notice::Saved)
    }
}

/// The 303 to `next.to`, carrying its notice to that page.
pub fn confirmed(next: impl Into<Next>) -> Response {
    let next = next.into();
    let mut response = crate::ui::see_other(&next.to);
    response.headers_mut().append(
        header::SET_COOKIE,
        host_cookie(NOTICE_COOKIE, next.notice.as_str(), Some(NOTICE_SECONDS)),
    );
    response
}

/// The notice a request carries, if its code is one of ours.
pub fn carried(headers: &axum::http::HeaderMap) -> Option<Notice> {
    cookie(headers, NOTICE_COOKIE).and_then(|code| code.parse().ok())
}

/// Middleware: once a page (anything but a redirect) has answered a request that carried a
/// notice, the notice is spent and its cookie expired.
pub async fn clear_shown_notice(req: Request, next: Middleware) -> Response {
    let carried = cookie(req.headers(), NOTICE_COOKIE).is_some();
    let mut response = next.run(req).await;
    if carried
        && !response.status().is_redirection()
        && response.status() != StatusCode::NOT_MODIFIED
    {
        response
            .headers_mut()
            .append(header::SET_COOKIE, host_cookie(NOTICE_COOKIE, "", Some(0)));
    }
    response.into_response()
}
