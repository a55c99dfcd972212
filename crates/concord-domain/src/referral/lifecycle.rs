//! Who may move a referral from which status to which. The referrer sends, cancels and withdraws
//! a referral made in error (before the service has accepted it); the receiving service acknowledges, accepts or declines, starts,
//! pauses, completes or ends it. Everything else is refused, naming what was asked: a declined
//! referral cannot be completed, a closed one cannot be reopened.

use super::ReferralStatus::{self, *};

/// Which side of a referral is acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The person's care team who made it (for a self-referral, nobody).
    Referrer,
    /// The service it was sent to.
    Service,
}

/// A move the lifecycle allows: from, to, and the side that makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    /// The status it leaves.
    pub from: ReferralStatus,
    /// The status it reaches.
    pub to: ReferralStatus,
    /// Who makes it.
    pub by: Side,
}

const fn by_referrer(from: ReferralStatus, to: ReferralStatus) -> Move {
    Move {
        from,
        to,
        by: Side::Referrer,
    }
}

const fn by_service(from: ReferralStatus, to: ReferralStatus) -> Move {
    Move {
        from,
        to,
        by: Side::Service,
    }
}

/// Every move the lifecycle allows.
pub const MOVES: &[Move] = &[
    by_referrer(Draft, Requested),
    by_referrer(Draft, Cancelled),
    by_referrer(Requested, Cancelled),
    by_referrer(Received, Cancelled),
    by_referrer(Accepted, Cancelled),
    by_referrer(OnHold, Cancelled),
    by_referrer(Draft, EnteredInError),
    by_referrer(Requested, EnteredInError),
    // Withdrawn as made in error only before the service has taken it on: after that, the
    // service's work is its own record, and the referrer cancels instead.
    by_referrer(Received, EnteredInError),
    by_service(Requested, Received),
    by_service(Requested, Accepted),
    by_service(Received, Accepted),
    by_service(Requested, Rejected),
    by_service(Received, Rejected),
    by_service(Accepted, InProgress),
    by_service(Accepted, OnHold),
    by_service(InProgress, OnHold),
    by_service(OnHold, InProgress),
    by_service(InProgress, Completed),
    by_service(Accepted, Failed),
    by_service(InProgress, Failed),
    by_service(OnHold, Failed),
];

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveRefused {
    /// No side may make this move.
    #[error("A referral that is {} cannot be marked {}", .from.phrase(), .to.phrase())]
    NotAllowed {
        /// Its status now.
        from: ReferralStatus,
        /// The status asked for.
        to: ReferralStatus,
    },
    /// The move is the other side's to make.
    #[error("Only {} can mark a referral {}", match .by { Side::Referrer => "whoever referred the person", Side::Service => "the service it was sent to" }, .to.phrase())]
    OtherSide {
        /// The status asked for.
        to: ReferralStatus,
        /// The side that may make it.
        by: Side,
    },
}

/// Whether `side` may move a referral from `from` to `to`.
pub fn check(from: ReferralStatus, to: ReferralStatus, side: Side) -> Result<(), MoveRefused> {
    match MOVES.iter().find(|m| m.from == from && m.to == to) {
        Some(m) if m.by == side => Ok(()),
        Some(m) => Err(MoveRefused::OtherSide { to, by: m.by }),
        None => Err(MoveRefused::NotAllowed { from, to }),
    }
}

/// The moves `side` may make from `from`, in the order a page offers them.
pub fn moves_from(from: ReferralStatus, side: Side) -> Vec<ReferralStatus> {
    MOVES
        .iter()
        .filter(|m| m.from == from && m.by == side)
        .map(|m| m.to)
        .collect()
}

/// Whether reaching `to` needs a reason (FHIR's SDOH guidance: a reason for declining,
/// cancelling, pausing or failing, and here for withdrawing a referral made in error).
pub fn needs_reason(to: ReferralStatus) -> bool {
    matches!(to, Rejected | Cancelled | OnHold | Failed | EnteredInError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_of_statuses_is_allowed_to_one_side_or_refused() {
        let mut allowed = 0;
        for from in ReferralStatus::ALL {
            for to in ReferralStatus::ALL {
                let referrer = check(*from, *to, Side::Referrer);
                let service = check(*from, *to, Side::Service);
                match MOVES.iter().find(|m| m.from == *from && m.to == *to) {
                    Some(m) => {
                        allowed += 1;
                        let (mine, theirs) = match m.by {
                            Side::Referrer => (referrer, service),
                            Side::Service => (service, referrer),
                        };
                        assert_eq!(mine, Ok(()));
                        assert_eq!(theirs, Err(MoveRefused::OtherSide { to: *to, by: m.by }));
                    }
                    None => {
                        assert_eq!(
                            referrer,
                            Err(MoveRefused::NotAllowed {
                                from: *from,
                                to: *to
                            })
                        );
                        assert_eq!(
                            service,
                            Err(MoveRefused::NotAllowed {
                                from: *from,
                                to: *to
                            })
                        );
                    }
                }
            }
        }
        assert_eq!(allowed, MOVES.len());
    }

    #[test]
    fn closed_referrals_go_nowhere_and_nothing_returns_to_draft() {
        for m in MOVES {
            assert!(!m.from.is_closed(), "{m:?} leaves a closed status");
            assert_ne!(m.to, Draft);
            assert_ne!(m.from, m.to);
        }
    }

    #[test]
    fn a_declined_referral_cannot_be_completed() {
        let refused = check(Rejected, Completed, Side::Service).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "A referral that is declined cannot be marked completed"
        );
        assert!(check(Requested, Completed, Side::Service).is_err());
        assert!(check(Completed, InProgress, Side::Service).is_err());
    }

    #[test]
    fn each_side_makes_its_own_moves() {
        assert_eq!(
            check(Requested, Accepted, Side::Referrer),
            Err(MoveRefused::OtherSide {
                to: Accepted,
                by: Side::Service
            })
        );
        assert!(check(Requested, Cancelled, Side::Service).is_err());
        assert_eq!(
            moves_from(Draft, Side::Referrer),
            [Requested, Cancelled, EnteredInError]
        );
        assert_eq!(
            moves_from(Requested, Side::Service),
            [Received, Accepted, Rejected]
        );
        assert_eq!(moves_from(Completed, Side::Service), []);
    }

    #[test]
    fn every_state_with_the_service_can_be_ended() {
        // Nothing is left open for ever: from every open state, some side can close it.
        for status in ReferralStatus::ALL.iter().filter(|s| !s.is_closed()) {
            let closes = MOVES.iter().any(|m| m.from == *status && m.to.is_closed());
            assert!(closes, "{status:?} cannot be closed");
        }
    }
}
