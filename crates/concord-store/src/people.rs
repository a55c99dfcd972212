//! People and their memberships (person x organisation x role), and the principal a person acts as.

use crate::audit::{like_pattern, Actor, AuditEntry};
use crate::db::Store;
use crate::error::StoreError;
use crate::grants::{self, RoleChangeKind};
use crate::organisations;
use crate::page::{Page, PageRequest};
use crate::rows::{all_by, one_by_id, page_of, RowExt};
use concord_domain::person::ValidPerson;
use concord_domain::{Grant, MembershipDraft, OrgType, PersonDraft, Principal, Role};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Person {
    /// Concord's id for them.
    pub id: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Work e-mail address.
    pub email: String,
    /// Job title.
    pub job_title: String,
    /// Work telephone.
    pub phone: Option<String>,
}

impl Person {
    /// "Given Family".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// A person's role in an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Membership {
    /// Concord's id for the membership.
    pub id: String,
    /// The person.
    pub person_id: String,
    /// The person's full name.
    pub person_name: String,
    /// The person's job title.
    pub job_title: String,
    /// The organisation.
    pub organisation_id: String,
    /// The organisation's name.
    pub organisation_name: String,
    /// The organisation's type.
    pub org_type: OrgType,
    /// The role held.
    pub role: Role,
}

const PERSON_COLUMNS: &str = "id, given_name, family_name, email, job_title, phone";

fn person_from_row(row: &AnyRow) -> Result<Person, StoreError> {
    Ok(Person {
        id: row.text("id")?,
        given_name: row.text("given_name")?,
        family_name: row.text("family_name")?,
        email: row.text("email")?,
        job_title: row.text("job_title")?,
        phone: row.opt_text("phone")?,
    })
}

const MEMBERSHIP_SELECT: &str = "SELECT m.id, m.person_id, p.given_name, p.family_name, p.job_title, m.organisation_id, o.name AS organisation_name,
        o.org_type, m.role
    FROM memberships m JOIN people p ON p.id = m.person_id JOIN organisations o ON o.id = m.organisation_id";

fn membership_from_row(row: &AnyRow) -> Result<Membership, StoreError> {
    let decode = |what: &str, v: &str| sqlx::Error::Decode(format!("unknown {what} '{v}'").into());
    let org_type: String = row.text("org_type")?;
    let role: String = row.text("role")?;
    let given: String = row.text("given_name")?;
    let family: String = row.text("family_name")?;
    Ok(Membership {
        id: row.text("id")?,
        person_id: row.text("person_id")?,
        person_name: format!("{given} {family}"),
        job_title: row.text("job_title")?,
        organisation_id: row.text("organisation_id")?,
        organisation_name: row.text("organisation_name")?,
        org_type: org_type
            .parse()
            .map_err(|_| decode("organisation type", &org_type))?,
        role: role.parse().map_err(|_| decode("role", &role))?,
    })
}

/// What to look for among people; blank fields match everything.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonSearch {
    /// Part of the name, e-mail address or job title.
    pub q: Option<String>,
    /// Only people holding this role (code) somewhere.
    pub role: Option<String>,
    /// Only people belonging to this organisation.
    pub organisation_id: Option<String>,
}

/// One page of people matching `search`, by family name.
pub async fn list(
    store: &Store,
    search: &PersonSearch,
    page: PageRequest,
) -> Result<Page<Person>, StoreError> {
    let q = search.q.as_deref().unwrap_or("").trim();
    let role = search.role.as_deref().unwrap_or("").trim();
    let org = search.organisation_id.as_deref().unwrap_or("").trim();
    let filter = "WHERE ($1 = '' OR LOWER(given_name || ' ' || family_name) LIKE $2 ESCAPE '\\' OR LOWER(email) LIKE $2 ESCAPE '\\'
              OR LOWER(job_title) LIKE $2 ESCAPE '\\')
          AND ($3 = '' OR id IN (SELECT person_id FROM memberships WHERE role = $3))
          AND ($4 = '' OR id IN (SELECT person_id FROM memberships WHERE organisation_id = $4))";
    let like = like_pattern(q);
    page_of(
        store,
        PERSON_COLUMNS,
        &format!("FROM people {filter}"),
        "family_name, given_name, id",
        &[q, &like, role, org],
        page,
        person_from_row,
    )
    .await
}

/// The person with `id`.
pub async fn get(store: &Store, id: &str) -> Result<Person, StoreError> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1");
    one_by_id(store, &sql, "person", id, person_from_row).await
}

/// Every membership a person holds.
pub async fn memberships_of_person(
    store: &Store,
    person_id: &str,
) -> Result<Vec<Membership>, StoreError> {
    let sql = format!("{MEMBERSHIP_SELECT} WHERE m.person_id = $1 ORDER BY o.name, m.role");
    all_by(store, &sql, person_id, membership_from_row).await
}

/// Every membership in an organisation.
pub async fn memberships_of_organisation(
    store: &Store,
    organisation_id: &str,
) -> Result<Vec<Membership>, StoreError> {
    let sql = format!("{MEMBERSHIP_SELECT} WHERE m.organisation_id = $1 ORDER BY p.family_name, p.given_name, m.role");
    all_by(store, &sql, organisation_id, membership_from_row).await
}

/// Every membership holding `role`, by organisation then name (for example the system's
/// administrators, whom the contact page names).
pub async fn memberships_with_role(
    store: &Store,
    role: concord_domain::Role,
) -> Result<Vec<Membership>, StoreError> {
    let sql = format!(
        "{MEMBERSHIP_SELECT} WHERE m.role = $1 ORDER BY o.name, p.family_name, p.given_name"
    );
    all_by(store, &sql, role.as_str(), membership_from_row).await
}

/// The membership with `id`.
pub async fn membership(store: &Store, id: &str) -> Result<Membership, StoreError> {
    let sql = format!("{MEMBERSHIP_SELECT} WHERE m.id = $1");
    one_by_id(store, &sql, "membership", id, membership_from_row).await
}

/// The ids of the organisations a person belongs to (for scoping permissions).
pub async fn organisation_ids_of(
    store: &Store,
    person_id: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT DISTINCT organisation_id FROM memberships WHERE person_id = $1")
            .bind(person_id)
            .fetch_all(store.pool())
            .await?,
    )
}

/// The principal a person acts as: their name and every role they hold. None if no such person.
///
/// One query (it runs on every signed-in request).
pub async fn principal(store: &Store, person_id: &str) -> Result<Option<Principal>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    principal_in(&mut conn, person_id).await
}

/// As [`principal`], read on a given connection (inside a write transaction, the roles as they are
/// at that moment).
pub(crate) async fn principal_in(
    conn: &mut AnyConnection,
    person_id: &str,
) -> Result<Option<Principal>, StoreError> {
    type GrantRow = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<GrantRow> = sqlx::query_as(
        "SELECT p.given_name, p.family_name, m.organisation_id, o.name, m.role
         FROM people p LEFT JOIN memberships m ON m.person_id = p.id LEFT JOIN organisations o ON o.id = m.organisation_id
         WHERE p.id = $1 ORDER BY m.created_at, m.id",
    )
    .bind(person_id)
    .fetch_all(conn)
    .await?;
    let Some((given, family, ..)) = rows.first() else {
        return Ok(None);
    };
    let display_name = format!("{given} {family}");
    let grants = rows
        .into_iter()
        .filter_map(|(_, _, organisation_id, organisation_name, role)| {
            Some(Grant {
                organisation_id: organisation_id?,
                organisation_name: organisation_name?,
                role: role?.parse().ok()?,
            })
        })
        .collect();
    Ok(Some(Principal {
        person_id: person_id.to_string(),
        display_name,
        grants,
    }))
}

async fn check_email_free(
    conn: &mut AnyConnection,
    email: &str,
    own_id: Option<&str>,
) -> Result<(), StoreError> {
    let holder: Option<String> = sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
        .bind(email)
        .fetch_optional(conn)
        .await?;
    if holder.is_some() && holder.as_deref() != own_id {
        return Err(StoreError::invalid(
            "email",
            format!("Someone else already has the email address {email}"),
        ));
    }
    Ok(())
}

async fn insert_membership(
    conn: &mut AnyConnection,
    person_id: &str,
    organisation_id: &str,
    role: Role,
) -> Result<String, StoreError> {
    let existing: Option<String> = sqlx::query_scalar(
        "SELECT id FROM memberships WHERE person_id = $1 AND organisation_id = $2 AND role = $3",
    )
    .bind(person_id)
    .bind(organisation_id)
    .bind(role.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    if existing.is_some() {
        return Err(StoreError::invalid(
            "role",
            format!("This person already holds the role {} here", role.label()),
        ));
    }
    let id = crate::new_id();
    sqlx::query("INSERT INTO memberships (id, person_id, organisation_id, role, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(person_id)
        .bind(organisation_id)
        .bind(role.as_str())
        .bind(crate::now_utc())
        .execute(conn)
        .await?;
    Ok(id)
}

/// Adds a person and gives them `role` in `organisation_id`, in one transaction; returns the person's id.
pub async fn create_in_organisation(
    store: &Store,
    actor: &Actor,
    organisation_id: &str,
    draft: &PersonDraft,
    role: &str,
) -> Result<String, StoreError> {
    let entry = AuditEntry::success(
        actor,
        "person.create",
        "person",
        None,
        format!("in organisation {organisation_id}"),
    );
    store
        .audited(entry, async |entry| {
            let checked = draft.validate();
            let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
            let role = errors.require_code::<Role>("role", "a role", role);
            errors.into_result()?;
            let (valid, role): (ValidPerson, Role) = (checked?, role.expect("validated"));
            let mut tx = store.begin_write().await?;
            let Some(organisation_type) = organisations::exists(tx.conn(), organisation_id).await? else {
                return Err(StoreError::not_found("organisation", organisation_id));
            };
            grants::check_role_change(tx.conn(), actor, RoleChangeKind::Grant, organisation_id, organisation_type, role, None).await?;
            check_email_free(tx.conn(), &valid.email, None).await?;
            let id = crate::new_id();
            let now = crate::now_utc();
            sqlx::query(
                "INSERT INTO people (id, given_name, family_name, email, job_title, phone, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(&id)
            .bind(&valid.given_name)
            .bind(&valid.family_name)
            .bind(&valid.email)
            .bind(&valid.job_title)
            .bind(&valid.phone)
            .bind(&now)
            .execute(tx.conn())
            .await?;
            insert_membership(tx.conn(), &id, organisation_id, role).await?;
            let detail = format!("added {} {} as {} in organisation {organisation_id}", valid.given_name, valid.family_name, role.label());
            tx.commit(entry.about(&id).detailed(detail)).await?;
            Ok(id)
        })
        .await
}

/// Changes a person's details.
pub async fn update(
    store: &Store,
    actor: &Actor,
    id: &str,
    draft: &PersonDraft,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(actor, "person.update", "person", Some(id), "");
    store
        .audited(entry, async |entry| {
            let valid = draft.validate()?;
            let before = get(store, id).await?;
            let mut tx = store.begin_write().await?;
            check_email_free(tx.conn(), &valid.email, Some(id)).await?;
            sqlx::query("UPDATE people SET given_name = $2, family_name = $3, email = $4, job_title = $5, phone = $6, updated_at = $7 WHERE id = $1")
                .bind(id)
                .bind(&valid.given_name)
                .bind(&valid.family_name)
                .bind(&valid.email)
                .bind(&valid.job_title)
                .bind(&valid.phone)
                .bind(crate::now_utc())
                .execute(tx.conn())
                .await?;
            let changed: Vec<&str> = [
                ("given name", before.given_name != valid.given_name),
                ("family name", before.family_name != valid.family_name),
                ("email", before.email != valid.email),
                ("job title", before.job_title != valid.job_title),
                ("phone", before.phone != valid.phone),
            ]
            .into_iter()
            .filter_map(|(f, differs)| differs.then_some(f))
            .collect();
            let detail = if changed.is_empty() { "no changes".into() } else { format!("changed {}", changed.join(", ")) };
            tx.commit(entry.detailed(detail)).await
        })
        .await
}

/// Gives an existing person a role in an organisation; returns the membership's id.
pub async fn add_membership(
    store: &Store,
    actor: &Actor,
    organisation_id: &str,
    draft: &MembershipDraft,
) -> Result<String, StoreError> {
    let entry = AuditEntry::success(actor, "membership.create", "membership", None, "");
    store
        .audited(entry, async |entry| {
            let role = draft.validate()?;
            let person_id = draft.person_id.trim();
            let mut tx = store.begin_write().await?;
            let Some(organisation_type) = organisations::exists(tx.conn(), organisation_id).await?
            else {
                return Err(StoreError::not_found("organisation", organisation_id));
            };
            let person: Option<String> = sqlx::query_scalar("SELECT id FROM people WHERE id = $1")
                .bind(person_id)
                .fetch_optional(tx.conn())
                .await?;
            if person.is_none() {
                return Err(StoreError::invalid(
                    "person_id",
                    format!("There is no person with id '{person_id}'"),
                ));
            }
            grants::check_role_change(
                tx.conn(),
                actor,
                RoleChangeKind::Grant,
                organisation_id,
                organisation_type,
                role,
                Some(person_id),
            )
            .await?;
            let id = insert_membership(tx.conn(), person_id, organisation_id, role).await?;
            tx.commit(entry.about(&id).detailed(format!(
                "person {person_id} given role {} in organisation {organisation_id}",
                role.label()
            )))
            .await?;
            Ok(id)
        })
        .await
}

/// Removes a membership. The last system administrator cannot be removed.
pub async fn remove_membership(
    store: &Store,
    actor: &Actor,
    membership_id: &str,
) -> Result<(), StoreError> {
    let entry = AuditEntry::success(
        actor,
        "membership.delete",
        "membership",
        Some(membership_id),
        "",
    );
    store
        .audited(entry, async |entry| {
            let m = membership(store, membership_id).await?;
            let mut tx = store.begin_write().await?;
            let organisation_type = organisations::exists(tx.conn(), &m.organisation_id)
                .await?
                .ok_or_else(|| StoreError::not_found("organisation", &m.organisation_id))?;
            grants::check_role_change(
                tx.conn(),
                actor,
                RoleChangeKind::Revoke,
                &m.organisation_id,
                organisation_type,
                m.role,
                Some(&m.person_id),
            )
            .await?;
            if m.role == Role::SystemAdministrator {
                let before = administrators_who_can_sign_in(tx.conn(), None).await?;
                let after = administrators_who_can_sign_in(tx.conn(), Some(membership_id)).await?;
                if before > 0 && after == 0 {
                    return Err(StoreError::invalid(
                        "role",
                        "This is the last system administrator who can sign in: give another person with a sign-in account the role before removing this one",
                    ));
                }
            }
            sqlx::query("DELETE FROM memberships WHERE id = $1")
                .bind(membership_id)
                .execute(tx.conn())
                .await?;
            tx.commit(entry.detailed(format!(
                "{} no longer {} in {}",
                m.person_name,
                m.role.label(),
                m.organisation_name
            ))).await
        })
        .await
}

/// How many people hold the system administrator role and can sign in (an enabled account or an
/// external identity), leaving out one membership if given.
async fn administrators_who_can_sign_in(
    conn: &mut AnyConnection,
    except_membership: Option<&str>,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(DISTINCT m.person_id) FROM memberships m
         WHERE m.role = $1 AND m.id <> $2
           AND (EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = m.person_id AND a.disabled = 0)
                OR EXISTS (SELECT 1 FROM external_identities e WHERE e.person_id = m.person_id))",
    )
    .bind(Role::SystemAdministrator.as_str())
    .bind(except_membership.unwrap_or(""))
    .fetch_one(conn)
    .await?)
}

/// The total number of people.
pub async fn count(store: &Store) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(store.pool())
        .await?)
}

/// The person with this e-mail address (compared lower-cased), if any.
pub async fn find_by_email(store: &Store, email: &str) -> Result<Option<Person>, StoreError> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE email = $1");
    let row = sqlx::query(&sql)
        .bind(email.trim().to_ascii_lowercase())
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(person_from_row).transpose()
}
