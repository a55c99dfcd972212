//! The service directory's use cases: importing a feed or a data package (read and checked by
//! the engine, every problem named by file, record and field; saved whole or not at all, and
//! only by someone who may keep those services), a service's capacity said between imports, and
//! reading services back as HSDS.

pub use crate::authz::may_manage_services;
use concord_directory::capacity::CapacityNow;
use concord_directory::feed::{self, FeedKind};
use concord_directory::{check, tabular, Directory, Problems};
use concord_domain::directory::CapacityDraft;
use concord_domain::{FieldError, Principal, ValidationErrors};
use concord_store::directory::{self as store, ImportReport, ImportRequest};
use concord_store::{organisations, Actor, Store, StoreError};
use sha2::{Digest, Sha256};

/// What was uploaded.
#[derive(Debug, Clone)]
pub enum Upload {
    /// An HSDS JSON feed of one kind of record.
    Feed {
        /// The file's name.
        file_name: String,
        /// Its contents.
        bytes: Vec<u8>,
        /// What its records are.
        kind: FeedKind,
    },
    /// A CSV data package: its tables, (file name, contents).
    Package {
        /// The tables.
        files: Vec<(String, Vec<u8>)>,
    },
}

impl Upload {
    /// Its name, as recorded.
    fn name(&self) -> String {
        match self {
            Upload::Feed { file_name, .. } => file_name.clone(),
            Upload::Package { files } => {
                let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
                format!("data package ({})", names.join(", "))
            }
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Upload::Feed { kind, .. } => kind.as_str(),
            Upload::Package { .. } => "csv_package",
        }
    }

    /// The SHA-256 of what was uploaded (each file's name and contents, in order).
    fn sha256(&self) -> String {
        let mut hash = Sha256::new();
        match self {
            Upload::Feed { bytes, .. } => hash.update(bytes),
            Upload::Package { files } => {
                for (name, bytes) in files {
                    hash.update(name.as_bytes());
                    hash.update([0]);
                    hash.update(bytes);
                }
            }
        }
        hex::encode(hash.finalize())
    }

    /// The directory it holds, checked.
    fn read(&self) -> Result<Directory, Problems> {
        let (file, directory) = match self {
            Upload::Feed {
                file_name,
                bytes,
                kind,
            } => (
                file_name.as_str(),
                feed::read_json(file_name, bytes, *kind)?,
            ),
            Upload::Package { files } => ("the data package", tabular::read_package(files)?),
        };
        check::check(file, &directory)?;
        Ok(directory)
    }
}

/// Problems as errors on the `file` field, one a problem, with how many more there are.
fn file_errors(problems: &Problems) -> ValidationErrors {
    let mut errors: Vec<FieldError> = problems
        .listed
        .iter()
        .map(|p| FieldError {
            field: "file".into(),
            message: p.to_string(),
        })
        .collect();
    if problems.total > problems.listed.len() {
        errors.push(FieldError {
            field: "file".into(),
            message: format!(
                "... and {} more problems; nothing was imported",
                problems.total - problems.listed.len()
            ),
        });
    }
    ValidationErrors(errors)
}

/// Imports `upload` as the services of `partner` (None: no partner's), all or nothing.
pub async fn import(
    store: &Store,
    principal: &Principal,
    actor: &Actor,
    partner: Option<&str>,
    upload: &Upload,
) -> Result<ImportReport, StoreError> {
    let partner = partner.map(str::trim).filter(|p| !p.is_empty());
    if !may_manage_services(Some(principal), partner) {
        return Err(StoreError::invalid(
            "partner_organisation_id",
            match partner {
                Some(_) => "You may import services only for an organisation where you are its partner lead or a VCSE worker",
                None => "Only system administrators may import services that are no partner's (such as a council's directory): choose your organisation",
            },
        ));
    }
    check_partner(store, partner).await?;
    let directory = read(upload)?;
    if (!directory.taxonomies.is_empty() || !directory.taxonomy_terms.is_empty())
        && !may_manage_services(Some(principal), None)
    {
        return Err(StoreError::invalid(
            "file",
            "Only system administrators may import taxonomies and taxonomy terms: every partner's services are described by them",
        ));
    }
    save(store, actor, partner, upload, &directory).await
}

/// Imports `upload` as the services of `partner` (None: no partner's) for the server's operator
/// (`concord directory import`), who holds the database itself: no role is checked, everything
/// else is as for [`import`].
pub async fn import_as_operator(
    store: &Store,
    actor: &Actor,
    partner: Option<&str>,
    upload: &Upload,
) -> Result<ImportReport, StoreError> {
    let partner = partner.map(str::trim).filter(|p| !p.is_empty());
    check_partner(store, partner).await?;
    let directory = read(upload)?;
    save(store, actor, partner, upload, &directory).await
}

/// That the partner named is in the registry.
async fn check_partner(store: &Store, partner: Option<&str>) -> Result<(), StoreError> {
    if let Some(partner) = partner {
        if let Err(StoreError::NotFound { .. }) = organisations::get(store, partner).await {
            return Err(StoreError::invalid(
                "partner_organisation_id",
                "Select an organisation from the list",
            ));
        }
    }
    Ok(())
}

/// The directory `upload` holds, read and checked, or every problem as an error on `file`.
fn read(upload: &Upload) -> Result<Directory, StoreError> {
    let directory = upload
        .read()
        .map_err(|problems| StoreError::Invalid(file_errors(&problems)))?;
    if directory.services.is_empty()
        && directory.taxonomy_terms.is_empty()
        && directory.taxonomies.is_empty()
    {
        return Err(StoreError::invalid(
            "file",
            "The file holds no services, taxonomies or taxonomy terms",
        ));
    }
    Ok(directory)
}

/// Saves `directory`, read from `upload`, as `partner`'s.
async fn save(
    store: &Store,
    actor: &Actor,
    partner: Option<&str>,
    upload: &Upload,
    directory: &Directory,
) -> Result<ImportReport, StoreError> {
    let name = upload.name();
    let sha256 = upload.sha256();
    store::import(
        store,
        actor,
        ImportRequest {
            file_name: &name,
            kind: upload.kind(),
            partner_organisation_id: partner,
            file_sha256: &sha256,
        },
        directory,
    )
    .await
}

/// Sets service `service_id`'s capacity as `draft` says, for someone who keeps it (its
/// partner's lead or VCSE workers; an administrator for the system's own directory). Every
/// problem is named by its field; anyone else is refused and nothing changes.
pub async fn set_capacity(
    store: &Store,
    principal: &Principal,
    actor: &Actor,
    service_id: &str,
    draft: &CapacityDraft,
) -> Result<(), StoreError> {
    let owner = store::service(store, service_id)
        .await?
        .partner_organisation_id;
    if !may_manage_services(Some(principal), owner.as_deref()) {
        return Err(StoreError::Forbidden(
            "Only the people who keep this service (its organisation's partner lead and VCSE workers) may change its capacity".into(),
        ));
    }
    let capacity = match draft.check() {
        Ok(capacity) => capacity,
        // A refused change is audited as surely as a saved one.
        Err(errors) => {
            let entry = concord_store::AuditEntry::success(
                actor,
                "directory.capacity",
                "directory_service",
                Some(service_id),
                "refused: the numbers given were not valid",
            );
            return store
                .audit_rejection(Err(StoreError::Invalid(errors)), entry)
                .await;
        }
    };
    let now = CapacityNow {
        available: capacity.available,
        maximum: capacity.maximum,
        unit: capacity.unit.to_string(),
        updated: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    store::set_capacity(store, actor, service_id, owner.as_deref(), &now).await
}

/// The whole directory as an HSDS JSON feed: every service, in full, as imported.
pub async fn export_json(store: &Store) -> Result<String, StoreError> {
    let documents = store::all_documents(store).await?;
    Ok(format!("[{}]", documents.join(",")))
}

/// The largest data package written (its files before compression): far above a 50,000-service
/// directory's, so only a runaway stops.
pub const MAX_PACKAGE_BYTES: usize = 1024 * 1024 * 1024;

/// The whole directory as an HSDS CSV data package, zipped: a table per kind of object (each
/// object once, linked by ids) and `datapackage.json` listing them, as
/// [`tabular::write_package`] writes it. A package imported here comes back the same.
pub async fn export_package(store: &Store) -> Result<Vec<u8>, StoreError> {
    fn parse<T: serde::de::DeserializeOwned>(documents: Vec<String>) -> Result<Vec<T>, StoreError> {
        documents
            .iter()
            .map(|d| {
                serde_json::from_str(d).map_err(|e| {
                    StoreError::invalid("directory", format!("a stored record is not HSDS: {e}"))
                })
            })
            .collect()
    }
    let directory = Directory {
        services: parse(store::all_documents(store).await?)?,
        taxonomies: parse(store::all_taxonomy_documents(store).await?)?,
        taxonomy_terms: parse(store::all_term_documents(store).await?)?,
        passed_over: Vec::new(),
    };
    tokio::task::spawn_blocking(move || zip_package(&tabular::write_package(&directory)))
        .await
        .map_err(|e| {
            StoreError::invalid("directory", format!("the package was not written: {e}"))
        })?
}

/// The package's files in one zip file.
fn zip_package(files: &[(String, String)]) -> Result<Vec<u8>, StoreError> {
    let total: usize = files.iter().map(|(_, text)| text.len()).sum();
    if total > MAX_PACKAGE_BYTES {
        return Err(StoreError::invalid(
            "directory",
            "the directory is too large to write as one data package",
        ));
    }
    let failed = |e: &dyn std::fmt::Display| {
        StoreError::invalid("directory", format!("the package was not written: {e}"))
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in files {
        zip.start_file(name.as_str(), options)
            .map_err(|e| failed(&e))?;
        std::io::Write::write_all(&mut zip, text.as_bytes()).map_err(|e| failed(&e))?;
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}
