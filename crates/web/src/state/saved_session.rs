//! What c360 keeps of a session in this browser, so that a reload brings it back: the user's
//! files (by name, size and modification time: their bytes are stored beside this record, one
//! entry each), the schema text they chose, the remediation policies, the as-of date and the
//! column mapping. It is the settings of the last run that ended with a result, as JSON.
//!
//! This module is the record and its rules (what is worth keeping, how a record becomes a
//! workspace again, how old it is in words, what the page knows of what is kept); it never
//! touches storage. `storage` (wasm only) reads and writes it, OPFS first, IndexedDB where
//! OPFS is missing.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use c360::engine::config::remediation::Policies;
use c360::engine::data_test::schema::DEFAULT_SCHEMA;
use c360::engine::source::mapping::MappingFile;
use c360::engine::RunConfig;

use crate::state::inputs::{self, Inputs, Slot, SourceInput};
use crate::state::mapping_review::Remembered;
use crate::state::schema_state::{SchemaOrigin, SchemaState};
use crate::state::workspace::{Runs, Settings, Workspace};

/// The record's format; a record of another version is not read.
pub const VERSION: u32 = 1;

/// The user's session, as kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedSession {
    pub version: u32,
    /// When it was kept (milliseconds since the epoch, the browser's clock).
    pub saved_at: i64,
    /// The user's files, one per source at most; a source not listed reads the demo export.
    pub files: Vec<SavedFile>,
    /// The schema text the user chose, when it is not the shipped file: a session on the
    /// shipped schema follows the shipped file of whatever build restores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<SavedSchema>,
    pub policies: Policies,
    pub as_of: SavedAsOf,
    pub mapping: MappingFile,
    /// The mappings the user confirmed, offered again for a file with the same header.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remembered: Vec<Remembered>,
}

/// One of the user's files, as the record names it; its bytes are stored under [`Self::key`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedFile {
    pub slot: Slot,
    pub name: String,
    pub size: u64,
    /// The `File`'s `lastModified` (milliseconds since the epoch).
    pub last_modified: i64,
}

/// The schema text the user chose, and the file's name when it came from one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedSchema {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
}

/// The as-of date, and whether it was today (the run then measures freshness at the time it
/// runs, and a restored session is as of the day it is restored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedAsOf {
    pub day: NaiveDate,
    pub today: bool,
}

/// Why a kept session could not be brought back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RestoreError {
    /// Occurs when the record is not JSON of this module's shape.
    Json { message: String },
    /// Occurs when the record was written by a build with another format.
    Version { found: u32, supported: u32 },
    /// Occurs when a file the record names is not in storage.
    FileMissing { name: String },
    /// Occurs when a stored file's size is not the one the record gives (a write that did not
    /// finish).
    FileChanged {
        name: String,
        expected: u64,
        found: u64,
    },
    /// Occurs when the browser refused to read what is stored.
    Storage { message: String },
}

impl fmt::Display for RestoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RestoreError::Json { message } => {
                write!(f, "the saved session is not readable: {message}")
            }
            RestoreError::Version { found, supported } => write!(
                f,
                "the saved session is of format {found}, and this version of c360 reads \
                 format {supported}"
            ),
            RestoreError::FileMissing { name } => {
                write!(f, "{name} is no longer in this browser's storage")
            }
            RestoreError::FileChanged {
                name,
                expected,
                found,
            } => write!(
                f,
                "{name} is incomplete in this browser's storage: {found} of its {expected} \
                 bytes are there"
            ),
            RestoreError::Storage { message } => {
                write!(f, "the browser refused to read its storage: {message}")
            }
        }
    }
}

impl std::error::Error for RestoreError {}

impl SavedFile {
    /// The user's file in `slot` of these inputs, if it is not the demo's.
    pub fn of(slot: Slot, input: &SourceInput) -> Option<SavedFile> {
        let size = input.size()?;
        Some(SavedFile {
            slot,
            name: input.name(slot),
            size,
            last_modified: input.modified.unwrap_or_default(),
        })
    }

    /// The name its bytes are stored under: the same file (name, size, modification time)
    /// always gets the same key, another file another one, so a new file never overwrites
    /// the bytes an older record still names.
    pub fn key(&self) -> String {
        // FNV-1a: a stable hash (std's is not guaranteed stable across builds).
        let hash = self.name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        let slot = match self.slot {
            Slot::Contacts => "contacts",
            Slot::Transactions => "transactions",
        };
        format!(
            "{slot}-{}-{}-{hash:016x}",
            self.size,
            self.last_modified.max(0)
        )
    }

    /// Checks a stored file against the record: its size, when it was found.
    pub fn check(&self, found: Option<u64>) -> Result<(), RestoreError> {
        match found {
            None => Err(RestoreError::FileMissing {
                name: self.name.clone(),
            }),
            Some(found) if found != self.size => Err(RestoreError::FileChanged {
                name: self.name.clone(),
                expected: self.size,
                found,
            }),
            Some(_) => Ok(()),
        }
    }

    /// The source input a restored file becomes, under the token its `File` was kept by.
    pub fn input(&self, token: u64) -> SourceInput {
        SourceInput::user(token, self.name.clone(), self.size).modified_at(self.last_modified)
    }
}

impl SavedSession {
    /// The settings of the result on screen, as kept at `now` (milliseconds). Takes the runs
    /// (or a whole [`Workspace`]): the view is not kept.
    pub fn of(runs: &impl AsRef<Runs>, now: i64) -> SavedSession {
        let ws = runs.as_ref();
        let Settings {
            inputs,
            config,
            schema,
        } = ws.settled();
        let (text, origin) = schema.chosen();
        SavedSession {
            version: VERSION,
            saved_at: now,
            files: Slot::ALL
                .into_iter()
                .filter_map(|slot| SavedFile::of(slot, inputs.get(slot)))
                .collect(),
            schema: (text != DEFAULT_SCHEMA).then(|| SavedSchema {
                text: text.to_string(),
                file_name: match origin {
                    SchemaOrigin::File(name) => Some(name),
                    _ => None,
                },
            }),
            policies: config.policies,
            as_of: SavedAsOf {
                day: config.as_of,
                // A run as of today measures freshness at an instant of the day, not at its start.
                today: config.freshness_at != RunConfig::new(config.as_of).freshness_at,
            },
            mapping: inputs.mapping_file(),
            remembered: ws.remembered().to_vec(),
        }
    }

    /// Reads a record, its version first (so that a newer format says so).
    pub fn from_json(text: &str) -> Result<SavedSession, RestoreError> {
        #[derive(Deserialize)]
        struct Versioned {
            version: u32,
        }
        let json = |e: serde_json::Error| RestoreError::Json {
            message: e.to_string(),
        };
        let Versioned { version } = serde_json::from_str(text).map_err(json)?;
        if version != VERSION {
            return Err(RestoreError::Version {
                found: version,
                supported: VERSION,
            });
        }
        serde_json::from_str(text).map_err(json)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a saved session serializes")
    }

    /// Whether it holds anything of the user's: a first visit's demo, on the shipped schema
    /// and the default settings as of today, is not worth keeping.
    pub fn keeps_anything(&self) -> bool {
        !self.files.is_empty()
            || self.schema.is_some()
            || self.policies != Policies::default()
            || !self.as_of.today
            || !self.mapping.sources.is_empty()
            || !self.remembered.is_empty()
    }

    /// Whether it keeps the same settings as `other`, whenever each was kept.
    pub fn same_settings(&self, other: &SavedSession) -> bool {
        SavedSession {
            saved_at: other.saved_at,
            ..self.clone()
        } == *other
    }

    /// The storage keys of its files.
    pub fn keys(&self) -> Vec<String> {
        self.files.iter().map(SavedFile::key).collect()
    }

    /// The settings it restores at `now` (milliseconds), with `files` (each [`SavedFile`]
    /// given by [`SavedFile::input`]) as the sources.
    pub fn settings(&self, files: Vec<(Slot, SourceInput)>, now: i64) -> Settings {
        let mut config = if self.as_of.today {
            RunConfig::at_instant(now)
        } else {
            RunConfig::new(self.as_of.day)
        };
        config.policies = self.policies;
        let mut inputs = Inputs::demo();
        for (slot, input) in files {
            let mapping = self.mapping.get(inputs::def(slot)).cloned();
            inputs.set(slot, input.with_mapping(mapping));
        }
        let mut schema = SchemaState::shipped();
        if let Some(saved) = &self.schema {
            let origin = match &saved.file_name {
                Some(name) => SchemaOrigin::File(name.clone()),
                None => SchemaOrigin::Edited,
            };
            schema.apply(saved.text.clone(), origin);
        }
        Settings {
            inputs,
            config,
            schema,
        }
    }

    /// The workspace it restores at `now`, its first run queued.
    pub fn restore(&self, files: Vec<(Slot, SourceInput)>, now: i64) -> Workspace {
        let mut ws = Workspace::open(
            self.settings(files, now),
            "Restored your session",
            now as f64,
        );
        ws.remember(self.remembered.clone());
        ws
    }

    /// The notice a restored page shows: "Restored your session from 5 minutes ago (files:
    /// contacts.csv, transactions.csv)".
    pub fn notice(&self, now: i64) -> String {
        let what = if self.files.is_empty() {
            "the demo data".to_string()
        } else {
            let names: Vec<&str> = self.files.iter().map(|f| f.name.as_str()).collect();
            format!("files: {}", names.join(", "))
        };
        format!(
            "Restored your session from {} ({what})",
            age(now - self.saved_at)
        )
    }
}

/// How long ago, in words: "less than a minute ago", "1 minute ago", "3 hours ago", "2 days
/// ago".
pub fn age(millis: i64) -> String {
    let minutes = millis.max(0) / 60_000;
    let (n, unit) = match minutes {
        0 => return "less than a minute ago".into(),
        1..=59 => (minutes, "minute"),
        60..=1439 => (minutes / 60, "hour"),
        _ => (minutes / 1440, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// Why the page's session could not be kept, restored or forgotten.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageProblem {
    /// A write failed (the browser's quota, or storage refused): the session is not kept.
    NotKept(String),
    /// The kept session could not be read back: the page opened on the demo.
    NotRestored(RestoreError),
    /// Deleting what was kept failed: some of it may still be stored.
    NotForgotten(String),
}

impl StorageProblem {
    /// The alert's title.
    pub fn title(&self) -> &'static str {
        match self {
            StorageProblem::NotKept(_) => "Your session could not be kept in this browser",
            StorageProblem::NotRestored(_) => "Your last session could not be restored",
            StorageProblem::NotForgotten(_) => "Your data could not be forgotten",
        }
    }

    /// What happened, then what it means.
    pub fn message(&self) -> String {
        match self {
            StorageProblem::NotKept(why) => format!(
                "{why}. Everything on this page still works, but a reload will not bring \
                 this session back."
            ),
            StorageProblem::NotRestored(why) => {
                format!("{why}. c360 opened on the demo data instead; choose your files again.")
            }
            StorageProblem::NotForgotten(why) => format!(
                "{why}. Some of your data may still be stored in this browser; try again, or \
                 clear this site's data in the browser's settings."
            ),
        }
    }
}

/// What the page knows of what c360 keeps in this browser.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Keeping {
    /// Something of the user's is stored (a file or a session): Forget is offered.
    pub kept: bool,
    /// The notice of the session this page restored, until dismissed or forgotten.
    pub restored: Option<String>,
    /// The last storage problem, until dismissed.
    pub problem: Option<StorageProblem>,
    /// The session last written or restored: a run with the same settings writes nothing.
    pub last: Option<SavedSession>,
    /// The number of runs (`Workspace::runs_done`) storage has caught up with.
    pub caught_up: u64,
    /// A Forget is under way.
    pub forgetting: bool,
}

/// What to do with storage after a run ended with a result.
#[derive(Clone, Debug, PartialEq)]
pub enum AfterRun {
    /// Write this session.
    Keep(SavedSession),
    /// The settings are back to a first visit's: delete what is kept.
    Forget,
    /// Nothing changed, or nothing is kept and nothing is worth keeping.
    Nothing,
}

impl Keeping {
    /// What a run that ended with these settings asks of storage.
    pub fn after_run(&self, session: SavedSession) -> AfterRun {
        if !session.keeps_anything() {
            return if self.kept {
                AfterRun::Forget
            } else {
                AfterRun::Nothing
            };
        }
        match &self.last {
            Some(last) if self.kept && last.same_settings(&session) => AfterRun::Nothing,
            _ => AfterRun::Keep(session),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::loopback::Loopback;
    use crate::state::policy_switches::Switch;
    use c360::engine::config::remediation::DuplicateContacts;

    /// The browser's clock: 2030-01-01 12:00 UTC.
    const NOW: i64 = 1_893_499_200_000;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    const TRANSACTIONS: &[u8] = c360_worker::session::DEMO_TRANSACTIONS;
    const CONTACTS: &[u8] = c360_worker::session::DEMO_CONTACTS;

    /// The demo's first five transactions: a user's file that runs differently from the demo.
    fn five_transactions() -> Vec<u8> {
        let text = std::str::from_utf8(TRANSACTIONS).unwrap();
        let lines: Vec<&str> = text.lines().take(6).collect();
        format!("{}\n", lines.join("\n")).into_bytes()
    }

    /// A user's session: both files, a policy, a day, a schema file without Kitchen.
    fn users_session(lb: &mut Loopback) -> Workspace {
        let mut ws = Workspace::demo(RunConfig::at_instant(NOW), NOW as f64);
        lb.settle(&mut ws);
        let transactions = lb
            .file("first-five.csv", &five_transactions())
            .modified_at(1_700_000_000_000);
        let contacts = lb.file("crm.csv", CONTACTS).modified_at(1_700_000_000_001);
        let schema = DEFAULT_SCHEMA.replace("                      - Kitchen\n", "");
        ws.load_with_schema(
            vec![
                (Slot::Transactions, transactions),
                (Slot::Contacts, contacts),
            ],
            Some(("mine.yml".into(), schema)),
            0.0,
        );
        lb.settle(&mut ws);
        ws.set_policy(Switch::DuplicateContacts, "drop_all", 0.0);
        lb.settle(&mut ws);
        ws.set_as_of(day(20), NOW);
        lb.settle(&mut ws);
        ws
    }

    /// What a run shows, whatever run it was: each node's rows and each test's status.
    fn outcome(ws: &Workspace) -> Vec<(String, String)> {
        let run = ws.run().expect("the run succeeds");
        let nodes = run
            .nodes
            .iter()
            .map(|n| (n.node.unique_id.clone(), format!("{:?}", n.result.rows)));
        let tests = run.tests.iter().map(|t| {
            let r = &t.result;
            (
                r.unique_id.clone(),
                format!("{:?} {}", r.status, r.failures),
            )
        });
        nodes.chain(tests).collect()
    }

    #[test]
    fn a_restored_session_runs_as_the_one_kept() {
        let mut lb = Loopback::new();
        let ws = users_session(&mut lb);
        let saved = SavedSession::of(&ws, NOW);
        assert!(saved.keeps_anything());
        assert_eq!(
            saved.files.iter().map(|f| &f.name[..]).collect::<Vec<_>>(),
            ["crm.csv", "first-five.csv"]
        );
        assert_eq!(
            saved.as_of,
            SavedAsOf {
                day: day(20),
                today: false
            }
        );
        assert_eq!(
            saved.policies.duplicate_contacts,
            DuplicateContacts::DropAll
        );
        assert_eq!(
            saved.schema.as_ref().unwrap().file_name.as_deref(),
            Some("mine.yml")
        );

        // A reload: the record through JSON, the files under new tokens, a fresh worker.
        let read = SavedSession::from_json(&saved.to_json()).unwrap();
        assert_eq!(read, saved);
        let mut fresh = Loopback::new();
        let files = read
            .files
            .iter()
            .map(|f| {
                let bytes = match f.slot {
                    Slot::Contacts => CONTACTS.to_vec(),
                    Slot::Transactions => five_transactions(),
                };
                let token = fresh.file(&f.name, &bytes).spec;
                let token = match token {
                    c360_worker::protocol::SourceSpec::File(f) => f.token,
                    other => unreachable!("a loopback file is a file: {other:?}"),
                };
                (f.slot, f.input(token))
            })
            .collect();
        let mut restored = read.restore(files, NOW + 3_600_000);
        fresh.settle(&mut restored);
        assert_eq!(outcome(&restored), outcome(&ws));
        assert_eq!(restored.config(), ws.config());
        assert_eq!(
            restored.schema().origin(),
            &SchemaOrigin::File("mine.yml".into())
        );
        assert_eq!(
            restored.last_change(),
            None,
            "the first run compares with nothing"
        );
        // Kept again, it is the same session: the same files under the same keys.
        let again = SavedSession::of(&restored, NOW + 3_600_000);
        assert!(again.same_settings(&saved));
        assert_eq!(again.keys(), saved.keys());
    }

    #[test]
    fn today_restores_as_today_and_a_policy_edit_as_its_policy() {
        let mut lb = Loopback::new();
        let mut ws = Workspace::demo(RunConfig::at_instant(NOW), 0.0);
        lb.settle(&mut ws);
        let saved = SavedSession::of(&ws, NOW);
        assert!(saved.as_of.today);
        assert!(!saved.keeps_anything(), "a first visit's demo is not kept");

        let without_kitchen = DEFAULT_SCHEMA.replace("                      - Kitchen\n", "");
        ws.apply_schema(without_kitchen.clone(), 0.0);
        ws.set_policy(Switch::OutsideCategories, "add_to_accepted_list", 0.0);
        lb.settle(&mut ws);
        assert_eq!(ws.schema().origin(), &SchemaOrigin::Policy);
        let saved = SavedSession::of(&ws, NOW);
        assert!(saved.keeps_anything());
        assert_eq!(
            saved.schema.as_ref().map(|s| &s.text),
            Some(&without_kitchen),
            "the user's text, without the policy's edit"
        );

        let tomorrow = NOW + 86_400_000;
        let mut restored = saved.restore(Vec::new(), tomorrow);
        lb.settle(&mut restored);
        assert_eq!(restored.config().freshness_at, tomorrow);
        assert!(restored.inputs().is_demo());
        assert_eq!(
            restored.schema().origin(),
            &SchemaOrigin::Policy,
            "the policy edits it again"
        );
        assert!(restored.schema().text().contains("- Kitchen"));
        // The policy's edit is undone by switching back, as if it had never left.
        restored.set_policy(Switch::OutsideCategories, "count_in_other", 0.0);
        lb.settle(&mut restored);
        assert_eq!(restored.schema().text(), without_kitchen);
    }

    #[test]
    fn the_column_mapping_is_kept_and_restored_with_its_file() {
        let mapping = MappingFile::from_json(
            r#"{"version": 1, "sources": {"transactions": {"columns": {"amount": "price"}}}}"#,
        )
        .unwrap();
        let file = SourceInput::user(7, "shop.csv", 1234)
            .modified_at(5)
            .with_mapping(mapping.get(inputs::def(Slot::Transactions)).cloned());
        let mut settings = Workspace::demo(RunConfig::at_instant(NOW), 0.0)
            .settled()
            .clone();
        settings.inputs.set(Slot::Transactions, file);
        // The settings a workspace opens on are those of the result on screen until a run.
        let mut ws = Workspace::open(settings, "Opened", 0.0);
        let remembered = vec![Remembered {
            slot: Slot::Transactions,
            mapping: mapping
                .get(inputs::def(Slot::Transactions))
                .cloned()
                .unwrap(),
        }];
        ws.remember(remembered.clone());
        let saved = SavedSession::of(&ws, NOW);
        assert_eq!(saved.mapping, mapping);
        assert_eq!(saved.remembered, remembered);
        assert!(saved.keeps_anything(), "a mapping is the user's");
        let read = SavedSession::from_json(&saved.to_json()).unwrap();
        let files: Vec<(Slot, SourceInput)> = read
            .files
            .iter()
            .map(|f| (Slot::Transactions, f.input(9)))
            .collect();
        let restored = read.restore(files, NOW);
        assert_eq!(restored.mapping(), mapping);
        assert_eq!(restored.remembered(), remembered.as_slice());
        // The demo contacts have no mapping to restore.
        assert!(restored.inputs().get(Slot::Contacts).mapping.is_none());
    }

    #[test]
    fn a_record_of_another_shape_or_version_is_refused_by_name() {
        let err = SavedSession::from_json("{\"version\": 2}").unwrap_err();
        assert_eq!(
            err,
            RestoreError::Version {
                found: 2,
                supported: 1
            }
        );
        assert!(err.to_string().contains("format 2"), "{err}");
        let err = SavedSession::from_json("{\"version\": 1, \"files\": 3}").unwrap_err();
        assert!(matches!(err, RestoreError::Json { .. }), "{err:?}");
        let err = SavedSession::from_json("not json").unwrap_err();
        assert!(err
            .to_string()
            .starts_with("the saved session is not readable"));
    }

    #[test]
    fn a_stored_file_must_be_there_and_whole() {
        let file = SavedFile {
            slot: Slot::Transactions,
            name: "t.csv".into(),
            size: 10,
            last_modified: 5,
        };
        assert_eq!(file.check(Some(10)), Ok(()));
        assert_eq!(
            file.check(None).unwrap_err().to_string(),
            "t.csv is no longer in this browser's storage"
        );
        assert_eq!(
            file.check(Some(4)).unwrap_err().to_string(),
            "t.csv is incomplete in this browser's storage: 4 of its 10 bytes are there"
        );
    }

    #[test]
    fn keys_tell_files_apart_and_stay_the_same_for_one_file() {
        let file = SavedFile {
            slot: Slot::Contacts,
            name: "crm.csv".into(),
            size: 10,
            last_modified: 5,
        };
        assert_eq!(file.key(), file.clone().key());
        assert!(file.key().starts_with("contacts-10-5-"));
        let renamed = SavedFile {
            name: "crm (2).csv".into(),
            ..file.clone()
        };
        let touched = SavedFile {
            last_modified: 6,
            ..file.clone()
        };
        assert_ne!(file.key(), renamed.key());
        assert_ne!(file.key(), touched.key());
        assert!(file
            .key()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    }

    #[test]
    fn the_notice_says_how_old_and_which_files() {
        let mut lb = Loopback::new();
        let ws = users_session(&mut lb);
        let saved = SavedSession::of(&ws, NOW);
        assert_eq!(
            saved.notice(NOW + 5 * 60_000 + 10),
            "Restored your session from 5 minutes ago (files: crm.csv, first-five.csv)"
        );
        assert_eq!(age(59_999), "less than a minute ago");
        assert_eq!(age(60_000), "1 minute ago");
        assert_eq!(age(2 * 3_600_000), "2 hours ago");
        assert_eq!(age(86_400_000), "1 day ago");
        assert_eq!(
            age(-5),
            "less than a minute ago",
            "a clock set back is not the future"
        );
        let demo = SavedSession {
            files: Vec::new(),
            ..saved
        };
        assert!(demo.notice(NOW).ends_with("(the demo data)"));
    }

    #[test]
    fn a_run_writes_only_what_changed_and_forgets_a_first_visits_settings() {
        let mut lb = Loopback::new();
        let ws = users_session(&mut lb);
        let saved = SavedSession::of(&ws, NOW);
        let mut keeping = Keeping::default();
        assert_eq!(
            keeping.after_run(saved.clone()),
            AfterRun::Keep(saved.clone())
        );
        keeping.kept = true;
        keeping.last = Some(saved.clone());
        let later = SavedSession {
            saved_at: NOW + 1,
            ..saved.clone()
        };
        assert_eq!(keeping.after_run(later), AfterRun::Nothing);
        let other_day = SavedSession {
            as_of: SavedAsOf {
                day: day(21),
                today: false,
            },
            ..saved.clone()
        };
        assert!(matches!(keeping.after_run(other_day), AfterRun::Keep(_)));

        let mut demo = Workspace::demo(RunConfig::at_instant(NOW), 0.0);
        lb.settle(&mut demo);
        let first_visit = SavedSession::of(&demo, NOW);
        assert_eq!(keeping.after_run(first_visit.clone()), AfterRun::Forget);
        assert_eq!(Keeping::default().after_run(first_visit), AfterRun::Nothing);
    }

    #[test]
    fn starting_over_is_a_first_visit_and_the_runs_go_on_counting() {
        let mut lb = Loopback::new();
        let mut ws = users_session(&mut lb);
        let runs = ws.runs_done();
        ws.start_over(RunConfig::at_instant(NOW), NOW as f64);
        lb.settle(&mut ws);
        assert_eq!(ws.runs_done(), runs + 1);
        assert!(ws.inputs().is_demo());
        assert!(!SavedSession::of(&ws, NOW).keeps_anything());
        assert_eq!(
            ws.last_change().unwrap().cause,
            "Forgot your data: back to the demo"
        );
    }

    #[test]
    fn problems_say_what_happened_and_what_it_means() {
        let p = StorageProblem::NotRestored(RestoreError::FileMissing {
            name: "t.csv".into(),
        });
        assert_eq!(p.title(), "Your last session could not be restored");
        assert_eq!(
            p.message(),
            "t.csv is no longer in this browser's storage. c360 opened on the demo data \
             instead; choose your files again."
        );
        let p = StorageProblem::NotKept("the browser's storage for this site is full".into());
        assert!(p
            .message()
            .ends_with("a reload will not bring this session back."));
    }
}
