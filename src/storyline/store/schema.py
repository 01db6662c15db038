"""The schema, as named migrations. Each runs once, in a transaction, recorded in ``schema_migrations``.

A later stage adds its tables by appending a migration; a migration is never edited once released.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "articles",
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            url TEXT,
            source TEXT,
            title TEXT,
            dek TEXT,
            author TEXT,
            published TIMESTAMPTZ,
            published_offset INTEGER,  -- the UTC offset the input gave, in seconds
            language TEXT,
            language_score DOUBLE,
            text TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            origin TEXT,
            format TEXT,
            ingested_at TIMESTAMPTZ NOT NULL,
            metadata JSON
        );
        CREATE INDEX articles_url ON articles (url);
        CREATE INDEX articles_hash ON articles (content_hash);
        CREATE TABLE removed_lines (
            article_id TEXT NOT NULL,
            line_no INTEGER NOT NULL,
            rule TEXT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (article_id, line_no)
        );
        CREATE SEQUENCE runs_id;
        CREATE TABLE runs (
            id BIGINT PRIMARY KEY DEFAULT nextval('runs_id'),
            stage TEXT NOT NULL,
            started_at TIMESTAMPTZ NOT NULL,
            finished_at TIMESTAMPTZ,
            stats JSON
        );
        """,
    ),
    Migration(
        2,
        "inputs and analysis",
        """
        CREATE TABLE inputs (
            raw_hash TEXT PRIMARY KEY,  -- a fingerprint of one input document as read
            article_id TEXT NOT NULL
        );
        CREATE TABLE analyses (
            article_id TEXT PRIMARY KEY,
            status TEXT NOT NULL,  -- 'done' or 'skipped'
            reason TEXT,
            version INTEGER NOT NULL,
            analyzed_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE sentences (
            article_id TEXT NOT NULL,
            idx INTEGER NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (article_id, idx)
        );
        CREATE TABLE mentions (
            article_id TEXT NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text TEXT NOT NULL,
            type TEXT NOT NULL,
            sentence INTEGER NOT NULL,
            name TEXT NOT NULL,  -- the fullest form of the name in the article
            PRIMARY KEY (article_id, start_char)
        );
        CREATE INDEX mentions_name ON mentions (type, name);
        CREATE TABLE titles (
            article_id TEXT NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            title TEXT NOT NULL,
            person TEXT NOT NULL,  -- the person's name in the article, as in mentions.name
            PRIMARY KEY (article_id, start_char, person)
        );
        CREATE TABLE quotes (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text TEXT NOT NULL,
            kind TEXT NOT NULL,
            cue TEXT,
            speaker TEXT,
            speaker_start INTEGER,
            speaker_end INTEGER
        );
        CREATE INDEX quotes_article ON quotes (article_id);
        CREATE TABLE times (
            article_id TEXT NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            text TEXT NOT NULL,
            value TEXT,
            granularity TEXT,
            PRIMARY KEY (article_id, start_char)
        );
        CREATE TABLE entities (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            mentions INTEGER NOT NULL,
            articles INTEGER NOT NULL
        );
        CREATE TABLE entity_names (
            type TEXT NOT NULL,
            name TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            PRIMARY KEY (type, name)
        );
        """,
    ),
    Migration(
        3,
        "stories",
        """
        CREATE TABLE article_features (
            article_id TEXT PRIMARY KEY,
            t TIMESTAMPTZ NOT NULL,  -- publication time, else ingest time: the clustering order
            model TEXT NOT NULL,
            vector FLOAT[384] NOT NULL,  -- title + lead, unit length
            keys TEXT[] NOT NULL,  -- the article's entity keys (folded names), most mentioned first
            weights FLOAT[] NOT NULL,
            signature UINTEGER[] NOT NULL  -- MinHash of the text's word shingles
        );
        CREATE TABLE lsh_bands (
            band_key UBIGINT NOT NULL,  -- band number (high 32 bits) and the hash of its signature values
            article_id TEXT NOT NULL,
            PRIMARY KEY (band_key, article_id)
        );
        CREATE TABLE reprints (
            article_id TEXT PRIMARY KEY,  -- a copy
            original_id TEXT NOT NULL,  -- the earliest member of its group
            similarity DOUBLE NOT NULL
        );
        CREATE TABLE assignments (
            article_id TEXT PRIMARY KEY,
            t TIMESTAMPTZ NOT NULL,
            raw_event TEXT NOT NULL,  -- the event the online pass put it in, before merges
            score DOUBLE
        );
        CREATE INDEX assignments_t ON assignments (t);
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            story_id TEXT NOT NULL,
            title TEXT NOT NULL,
            first TIMESTAMPTZ,
            last TIMESTAMPTZ,
            articles INTEGER NOT NULL,
            independent INTEGER NOT NULL,
            sources TEXT[] NOT NULL,
            fingerprint TEXT NOT NULL  -- a hash of the member ids: summaries are redone when it changes
        );
        CREATE TABLE event_articles (
            article_id TEXT PRIMARY KEY,
            event_id TEXT NOT NULL
        );
        CREATE INDEX event_articles_event ON event_articles (event_id);
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            first TIMESTAMPTZ,
            last TIMESTAMPTZ,
            events INTEGER NOT NULL,
            articles INTEGER NOT NULL,
            independent INTEGER NOT NULL,
            sources TEXT[] NOT NULL,
            entities TEXT[] NOT NULL,
            fingerprint TEXT NOT NULL
        );
        CREATE TABLE summaries (
            owner TEXT NOT NULL,  -- an event or story id
            position INTEGER NOT NULL,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            citations JSON NOT NULL,  -- [[article_id, sentence idx], ...]
            fingerprint TEXT NOT NULL,
            PRIMARY KEY (owner, position)
        );
        CREATE TABLE timelines (
            owner TEXT NOT NULL,
            position INTEGER NOT NULL,
            date TEXT NOT NULL,
            granularity TEXT NOT NULL,
            text TEXT NOT NULL,
            citations JSON NOT NULL,
            PRIMARY KEY (owner, position)
        );
        CREATE TABLE sentence_vectors (
            article_id TEXT NOT NULL,
            idx INTEGER NOT NULL,
            vector FLOAT[384] NOT NULL,
            PRIMARY KEY (article_id, idx)
        );
        """,
    ),
    Migration(
        4,
        "feeds",
        """
        CREATE TABLE feeds (
            url TEXT PRIMARY KEY,
            title TEXT,
            added_at TIMESTAMPTZ NOT NULL,
            etag TEXT,  -- validators of the last 200 answer, sent back as a conditional GET
            last_modified TEXT,
            last_polled TIMESTAMPTZ,
            last_success TIMESTAMPTZ,
            last_error TEXT,
            last_error_at TIMESTAMPTZ,
            failures INTEGER NOT NULL DEFAULT 0,  -- consecutive failed polls
            next_poll TIMESTAMPTZ
        );
        CREATE TABLE feed_items (
            feed_url TEXT NOT NULL,
            item_key TEXT NOT NULL,  -- guid/id, else link, else a content hash
            url TEXT,
            status TEXT NOT NULL,  -- 'stored', 'skipped' (for good) or 'failed' (tried again later)
            article_id TEXT,
            reason TEXT,
            attempts INTEGER NOT NULL,
            first_seen TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (feed_url, item_key)
        );
        """,
    ),
    Migration(
        5,
        "topic terms",
        """
        -- stories link events by topic words too; features stored before have none and are recomputed
        -- (articles whose terms are NULL count as pending features)
        ALTER TABLE article_features ADD COLUMN terms UINTEGER[];  -- hashed content words (features.topic_terms)
        ALTER TABLE article_features ADD COLUMN term_weights FLOAT[];
        """,
    ),
    Migration(
        6,
        "repair impossible dates",
        """
        -- Versions before this one stored publication dates such as 0001-01-01T00:00:00+14:00, which
        -- DuckDB keeps but cannot hand back as a timestamp: every read of the article failed. Such a date
        -- (outside 1800..2200) is cleared, the value kept in the article's metadata (published_invalid),
        -- and the repair recorded in runs (stage 'repair'). Derived times fall back to the ingest time.
        INSERT INTO runs (stage, started_at, finished_at, stats)
        SELECT 'repair', now(), now(), json_object('migration', 6, 'published_cleared', count(*), 'articles', list(id))
        FROM articles
        WHERE published < TIMESTAMPTZ '1800-01-01 00:00:00+00' OR published >= TIMESTAMPTZ '2201-01-01 00:00:00+00'
            OR abs(published_offset) >= 86400
        HAVING count(*) > 0;
        UPDATE articles
        SET metadata = json_merge_patch(coalesce(metadata, '{}'::JSON),
                                        json_object('published_invalid', published::VARCHAR)),
            published = NULL, published_offset = NULL
        WHERE published < TIMESTAMPTZ '1800-01-01 00:00:00+00' OR published >= TIMESTAMPTZ '2201-01-01 00:00:00+00'
            OR abs(published_offset) >= 86400;
        UPDATE article_features f SET t = a.ingested_at FROM articles a
        WHERE a.id = f.article_id AND (f.t < TIMESTAMPTZ '1800-01-01 00:00:00+00'
                                       OR f.t >= TIMESTAMPTZ '2201-01-01 00:00:00+00');
        UPDATE assignments x SET t = a.ingested_at FROM articles a
        WHERE a.id = x.article_id AND (x.t < TIMESTAMPTZ '1800-01-01 00:00:00+00'
                                       OR x.t >= TIMESTAMPTZ '2201-01-01 00:00:00+00');
        UPDATE events SET first = NULL WHERE first < TIMESTAMPTZ '1800-01-01 00:00:00+00';
        UPDATE events SET last = NULL WHERE last >= TIMESTAMPTZ '2201-01-01 00:00:00+00';
        UPDATE stories SET first = NULL WHERE first < TIMESTAMPTZ '1800-01-01 00:00:00+00';
        UPDATE stories SET last = NULL WHERE last >= TIMESTAMPTZ '2201-01-01 00:00:00+00';
        """,
    ),
    Migration(
        7,
        "timex types",
        """
        -- each time expression keeps its TIMEX3 type: DATE, TIME, DURATION ("two years" P2Y) or SET ("annually")
        ALTER TABLE times ADD COLUMN type TEXT NOT NULL DEFAULT 'DATE';
        CREATE INDEX times_type ON times (type);
        """,
    ),
    Migration(
        8,
        "actions",
        """
        -- who did what to whom (storyline.analyze.actions): one row per record, its sentence and verb;
        -- articles analyzed before this migration have none until they are analyzed again
        CREATE TABLE actions (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL,
            sentence INTEGER NOT NULL,
            start_char INTEGER NOT NULL,  -- the sentence's span in the article text
            end_char INTEGER NOT NULL,
            verb TEXT NOT NULL,  -- as written ("pardoned", "work with")
            verb_start INTEGER NOT NULL,
            type TEXT NOT NULL,  -- PLOVER event type
            source_text TEXT NOT NULL,
            source_name TEXT NOT NULL,  -- in-article full name, a capital's country, or a group's head noun
            source_kind TEXT NOT NULL,  -- entity, group, pair
            source_type TEXT,  -- PERSON, ORG, GPE: with source_name, the key into entity_names
            source_country TEXT,
            source_role TEXT,
            source_start INTEGER,
            source_end INTEGER,
            target_text TEXT NOT NULL,
            target_name TEXT NOT NULL,
            target_kind TEXT NOT NULL,
            target_type TEXT,
            target_country TEXT,
            target_role TEXT,
            target_start INTEGER,
            target_end INTEGER,
            negated BOOLEAN NOT NULL,
            mode TEXT NOT NULL,  -- did, will, may
            status TEXT NOT NULL,  -- narrated, quoted, reported
            claimed_by TEXT,
            quote_id TEXT,
            date TEXT,  -- ISO-like, as times.value
            date_text TEXT,  -- the time expression it comes from; NULL: the publication day
            place TEXT
        );
        CREATE INDEX actions_article ON actions (article_id);
        """,
    ),
    Migration(
        9,
        "stage keys",
        """
        -- each stored result carries the key of the stage (version, settings) that computed it, so a changed
        -- stage or setting recomputes what it affects (storyline.stages); runs record the versions and settings
        ALTER TABLE article_features ADD COLUMN stage TEXT;
        ALTER TABLE assignments ADD COLUMN stage TEXT;
        ALTER TABLE runs ADD COLUMN config JSON;
        -- features stored before keys existed were computed by version 1 of the features stage with this
        -- model: they keep their key (no re-embedding); placements and summaries are redone once
        UPDATE article_features SET stage = 'features/1/' || model WHERE model = 'all-MiniLM-L6-v2-onnx-int8';
        """,
    ),
    Migration(
        10,
        "quote speaker confidence",
        """
        -- how sure the speaker of a quote is (0-1, from how it was found: storyline.analyze.quotes); NULL for
        -- quotes stored before, until their articles are analyzed again (ANALYSIS_VERSION 5)
        ALTER TABLE quotes ADD COLUMN IF NOT EXISTS speaker_confidence DOUBLE;
        """,
    ),
    Migration(
        11,
        "happening dates",
        """
        -- events keep the day of the happening their articles report (stories.happening); the features stage's
        -- version 2 orders articles by that day, so stored features and placements are recomputed once
        ALTER TABLE events ADD COLUMN happened DATE;
        """,
    ),
)
