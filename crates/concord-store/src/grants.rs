//! The rule table for grants ([`concord_domain::grants`]) asked again inside each write
//! transaction that gives or takes away a role or a board seat, with the grantor's roles as they
//! are at that moment. Whatever route a request came by, a grant the policy refuses is never written.
//!
//! An actor without a person (an operator at the command line, the demo loader) is trusted: the
//! first administrator of a new system is made that way.

use crate::audit::Actor;
use crate::error::StoreError;
use concord_domain::grants::{self, RoleChange, SeatChange};
use concord_domain::{BoardRole, OrgType, Principal, Role};
use sqlx::AnyConnection;

/// Whether a role is being given or taken away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RoleChangeKind {
    Grant,
    Revoke,
}

/// The acting person's roles, read on the transaction's connection; none for an operator.
async fn grantor(conn: &mut AnyConnection, actor: &Actor) -> Result<Option<Principal>, StoreError> {
    let Some(person_id) = actor.person_id.as_deref() else {
        return Ok(None);
    };
    match crate::people::principal_in(conn, person_id).await? {
        Some(p) => Ok(Some(p)),
        None => Err(StoreError::Forbidden(
            "The person making this change no longer exists".into(),
        )),
    }
}

/// Refuses the change unless the rule table allows `actor` to make it.
pub(crate) async fn check_role_change(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: RoleChangeKind,
    organisation_id: &str,
    organisation_type: OrgType,
    role: Role,
    grantee_person_id: Option<&str>,
) -> Result<(), StoreError> {
    let Some(grantor) = grantor(conn, actor).await? else {
        return Ok(());
    };
    let change = RoleChange {
        organisation_id,
        organisation_type,
        role,
        grantee_person_id,
    };
    let outcome = match kind {
        RoleChangeKind::Grant => grants::may_grant_role(&grantor, &change).map(|_| ()),
        RoleChangeKind::Revoke => grants::may_revoke_role(&grantor, &change).map(|_| ()),
    };
    outcome.map_err(|refusal| StoreError::Forbidden(refusal.to_string()))
}

/// Refuses the seat change unless the rule table allows `actor` to make it.
pub(crate) async fn check_seat_change(
    conn: &mut AnyConnection,
    actor: &Actor,
    board_id: &str,
    grantee_person_id: &str,
    seat: Option<BoardRole>,
) -> Result<(), StoreError> {
    let Some(grantor) = grantor(conn, actor).await? else {
        return Ok(());
    };
    let host: Option<String> =
        sqlx::query_scalar("SELECT organisation_id FROM boards WHERE id = $1")
            .bind(board_id)
            .fetch_optional(&mut *conn)
            .await?;
    let host = host.ok_or_else(|| StoreError::not_found("board", board_id))?;
    let own_seat: Option<String> = sqlx::query_scalar(
        "SELECT board_role FROM board_members WHERE board_id = $1 AND person_id = $2",
    )
    .bind(board_id)
    .bind(&grantor.person_id)
    .fetch_optional(&mut *conn)
    .await?;
    let chairs_board = matches!(
        own_seat.and_then(|s| s.parse::<BoardRole>().ok()),
        Some(BoardRole::Chair | BoardRole::ViceChair)
    );
    let change = SeatChange {
        host_organisation_id: &host,
        chairs_board,
        grantee_person_id,
        seat,
    };
    grants::may_change_seat(&grantor, &change)
        .map(|_| ())
        .map_err(|refusal| StoreError::Forbidden(refusal.to_string()))
}

/// Refuses a change of an organisation's type unless `actor` is an administrator (or an operator).
pub(crate) async fn check_type_change(
    conn: &mut AnyConnection,
    actor: &Actor,
) -> Result<(), StoreError> {
    let Some(editor) = grantor(conn, actor).await? else {
        return Ok(());
    };
    grants::may_change_organisation_type(&editor)
        .map(|_| ())
        .map_err(|refusal| StoreError::Forbidden(refusal.to_string()))
}
