//! A service's capacity said between imports by those who keep it: written into the service's
//! own HSDS record (so the directory, its export and the Open Referral API agree) and into what
//! finding it needs, in one audited transaction.

use super::import::write_services;
use crate::audit::{Actor, AuditEntry};
use crate::rows::RowExt;
use crate::{Store, StoreError};
use concord_directory::capacity::{self, CapacityNow};
use concord_directory::hsds::Service;

/// Sets service `service_id`'s capacity to `now`, if it still belongs to `owner` (the partner
/// whose people may keep it, or None for the system's own directory): between the caller's
/// check and this write an import cannot have moved it, but this says so if it did.
pub async fn set_capacity(
    store: &Store,
    actor: &Actor,
    service_id: &str,
    owner: Option<&str>,
    now: &CapacityNow,
) -> Result<(), StoreError> {
    let said = match now.maximum {
        Some(maximum) => format!("{} of {maximum} {} available", now.available, now.unit),
        None => format!("{} {} available", now.available, now.unit),
    };
    let entry = AuditEntry::success(
        actor,
        "directory.capacity",
        "directory_service",
        Some(service_id),
        said,
    );
    store
        .audited(entry, async |entry| {
            let mut tx = store.begin_write().await?;
            let row = sqlx::query(
                "SELECT partner_organisation_id, document, import_id FROM directory_services WHERE id = $1",
            )
            .bind(service_id)
            .fetch_optional(tx.conn())
            .await?
            .ok_or_else(|| StoreError::not_found("service", service_id))?;
            let partner = row.opt_text("partner_organisation_id")?;
            if partner.as_deref() != owner {
                return Err(StoreError::Forbidden(
                    "This service now belongs to another organisation: its capacity was not changed"
                        .into(),
                ));
            }
            let mut service: Service =
                serde_json::from_str(&row.text("document")?).map_err(|e| {
                    StoreError::Database(sqlx::Error::Decode(
                        format!("a directory service's stored HSDS cannot be read: {e}").into(),
                    ))
                })?;
            capacity::set(&mut service, now, rand::random());
            let document = serde_json::to_string(&service).expect("HSDS objects always serialise");
            let import_id = row.text("import_id")?;
            write_services(
                &mut tx,
                &[(&service, &document)],
                partner.as_deref(),
                &import_id,
                &crate::now_utc(),
            )
            .await?;
            tx.commit(entry).await
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::{self, ImportRequest};
    use crate::testing::fresh_store;
    use concord_directory::Directory;

    fn now(available: u32, maximum: Option<u32>) -> CapacityNow {
        CapacityNow {
            available,
            maximum,
            unit: "places".into(),
            updated: "2026-12-03T10:00:00Z".into(),
        }
    }

    async fn one_service(store: &Store) -> String {
        let service: Service = serde_json::from_value(serde_json::json!({
            "id": "ac148810-d857-441c-9679-408f346de14b",
            "name": "Befriending",
            "status": "active",
            "service_at_locations": [{
                "id": "6a3a1b3c-6b5e-4d55-9c43-0d1bd4c8f0a1",
                "location": {
                    "id": "1f0c5bb7-8b8e-4d0f-9f6e-7c5e8c1d2a3b",
                    "location_type": "physical",
                    "name": "Church hall",
                    "addresses": [{
                        "id": "2e7c2e0a-8c1e-4d2e-9a4f-5b6c7d8e9f00",
                        "address_1": "1 High Street",
                        "city": "Riverside",
                        "state_province": "Vale",
                        "postal_code": "RV1 2AB",
                        "country": "GB",
                        "address_type": "physical"
                    }]
                }
            }]
        }))
        .unwrap();
        let id = service.id.clone();
        directory::import(
            store,
            &Actor::system("test"),
            ImportRequest {
                file_name: "feed.json",
                kind: "services",
                partner_organisation_id: None,
                file_sha256: "00",
            },
            &Directory {
                services: vec![service],
                ..Directory::default()
            },
        )
        .await
        .unwrap();
        id
    }

    #[tokio::test]
    async fn capacity_is_written_into_the_record_and_what_finding_needs() {
        let store = fresh_store().await.unwrap();
        let id = one_service(&store).await;
        let actor = Actor::system("test");
        set_capacity(&store, &actor, &id, None, &now(4, Some(20)))
            .await
            .unwrap();
        let stored = directory::service(&store, &id).await.unwrap();
        assert_eq!(
            stored.capacity,
            Some((
                4.0,
                Some(20.0),
                "places".into(),
                "2026-12-03T10:00:00Z".into()
            ))
        );
        let in_record = stored.service.capacities.as_ref().unwrap();
        assert_eq!(in_record.len(), 1);
        assert_eq!(in_record[0].available.as_u64(), Some(4));
        // Its place is still found by its postcode district, and the update is audited.
        let places = directory::districts(&store).await.unwrap();
        assert_eq!(places, vec![("RV1".to_string(), 1)]);
        let full = directory::ServiceFilter {
            with_capacity: true,
            ..directory::ServiceFilter::default()
        };
        let page = directory::services(&store, &full, crate::PageRequest::default())
            .await
            .unwrap();
        assert_eq!(page.total, 1);
        set_capacity(&store, &actor, &id, None, &now(0, Some(20)))
            .await
            .unwrap();
        let page = directory::services(&store, &full, crate::PageRequest::default())
            .await
            .unwrap();
        assert_eq!(
            page.total, 0,
            "a full service is not offered as having places"
        );
    }

    #[tokio::test]
    async fn another_owners_or_an_unknown_service_is_refused_and_unchanged() {
        let store = fresh_store().await.unwrap();
        let id = one_service(&store).await;
        let actor = Actor::system("test");
        let refused = set_capacity(&store, &actor, &id, Some("someone-else"), &now(4, None)).await;
        assert!(
            matches!(refused, Err(StoreError::Forbidden(_))),
            "{refused:?}"
        );
        assert_eq!(
            directory::service(&store, &id).await.unwrap().capacity,
            None
        );
        let unknown = set_capacity(&store, &actor, "nope", None, &now(4, None)).await;
        assert!(matches!(unknown, Err(StoreError::NotFound { .. })));
    }
}
