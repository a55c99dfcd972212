-- Listen and learn: exchange between Concord systems.

-- What this system has published: every version of every document exactly as signed and served.
-- A version is never updated; publishing again adds the next.
CREATE TABLE exchange_published (
    document_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    signed TEXT NOT NULL,
    hash TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL REFERENCES people(id),
    PRIMARY KEY (document_id, version)
);
CREATE UNIQUE INDEX exchange_published_slug ON exchange_published(slug, version);

-- The systems this one subscribes to, each with its public key pinned when it was added.
CREATE TABLE exchange_peers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT,
    public_key TEXT NOT NULL,
    key_id TEXT NOT NULL UNIQUE,
    added_by TEXT NOT NULL REFERENCES people(id),
    added_at TEXT NOT NULL,
    last_checked_at TEXT,
    last_outcome TEXT
);

-- Documents received from peers: every version kept as received, with where it came from.
CREATE TABLE exchange_received (
    peer_id TEXT NOT NULL REFERENCES exchange_peers(id),
    document_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    signed TEXT NOT NULL,
    hash TEXT NOT NULL,
    published_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    received_by TEXT NOT NULL,
    received_from TEXT NOT NULL,
    PRIMARY KEY (peer_id, document_id, version)
);
