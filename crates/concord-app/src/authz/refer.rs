//! Refer: who keeps which directory services, and who may see and act on which referrals.

use super::{Ask, Rule};
use concord_domain::referral::Side;
use concord_domain::{decide, Action, Decision, Grant, Principal};
use concord_store::directory;
use concord_store::referrals::{self, ReferralHeader};
use concord_store::StoreError;

pub(super) async fn resolve(ask: &Ask<'_>, rule: Rule) -> Result<Option<Decision>, StoreError> {
    let decision = match rule {
        Rule::MakeReferral => {
            let practice_ids = super::gp_practices_of(ask.store, ask.principal).await?;
            ask.decide(Action::MakeReferral {
                practice_ids: &practice_ids,
            })
        }
        Rule::KeepService => {
            let service = directory::service(ask.store, ask.target.id_or_empty()).await?;
            ask.decide(Action::ManageServices {
                partner_organisation_id: service.partner_organisation_id.as_deref(),
            })
        }
        Rule::SeeReferral => {
            let header = referrals::header(ask.store, ask.target.id_or_empty()).await?;
            match referral_side(ask.principal, &header, None) {
                Some((_, grant)) => Decision::Allowed { via: Some(grant) },
                None => Decision::Denied,
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(decision))
}

/// Whether `principal` may add and change the directory services of `partner` (None: the
/// system's own directory, which no partner keeps): the partner's lead and VCSE workers, or an
/// administrator.
pub fn may_manage_services(principal: Option<&Principal>, partner: Option<&str>) -> bool {
    decide(
        principal,
        Action::ManageServices {
            partner_organisation_id: partner,
        },
    )
    .is_allowed()
}

/// Whether `principal` may refer people registered at `practice_ids` (the GP practices among
/// their organisations).
pub fn may_make_referral(principal: Option<&Principal>, practice_ids: &[String]) -> bool {
    decide(principal, Action::MakeReferral { practice_ids }).is_allowed()
}

/// The side of referral `header` that `principal` acts for, and the grant that allows it: the
/// referring care team, or the service while the referral is with it. With `wanted`, only that
/// side; without, the referrer's side first.
pub fn referral_side(
    principal: Option<&Principal>,
    header: &ReferralHeader,
    wanted: Option<Side>,
) -> Option<(Side, Grant)> {
    let as_referrer = || {
        decide(
            principal,
            Action::ActForReferrer {
                referring_organisation_id: header.referring_organisation_id.as_deref(),
            },
        )
    };
    let as_service = || {
        decide(
            principal,
            Action::ActForService {
                receiving_organisation_id: &header.receiving_organisation_id,
                with_service: header.status.with_service(),
            },
        )
    };
    let sides: &[Side] = match wanted {
        Some(Side::Referrer) => &[Side::Referrer],
        Some(Side::Service) => &[Side::Service],
        None => &[Side::Referrer, Side::Service],
    };
    sides.iter().find_map(|side| {
        let decision = match side {
            Side::Referrer => as_referrer(),
            Side::Service => as_service(),
        };
        match decision {
            Decision::Allowed { via: Some(grant) } => Some((*side, grant)),
            _ => None,
        }
    })
}
