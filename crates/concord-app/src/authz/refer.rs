//! Refer: who keeps which directory services.

use concord_domain::{decide, Action, Principal};

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
