//! The two files a run reads: the bundled demo exports, or the user's own.
//!
//! Each source slot is replaced on its own (a user may bring only a transactions export and
//! keep the demo contacts). The page keeps only what it knows of a file — its name, size and
//! a token; the `File` itself goes to the worker, which reads it in chunks and parses it
//! once: a re-run with the same token reuses the parsed table. Nothing here parses CSV.

use c360::engine::dag::SOURCES;
use c360::engine::source::SourceDef;

pub use c360_worker::protocol::Slot;
use c360_worker::protocol::{FileRef, SourceSpec};

/// What the page reads of a file to tell which export it is: its header, and some margin.
pub const HEADER_BYTES: usize = 64 << 10;

/// The engine's definition of a slot's source (columns, file name, unique id).
pub fn def(slot: Slot) -> &'static SourceDef {
    &SOURCES[slot.index()]
}

/// The file name users know the export by: `contacts.csv`.
pub fn file_name(slot: Slot) -> &'static str {
    def(slot).file_name
}

/// The `data-testid` of this slot's file input.
pub fn test_id(slot: Slot) -> &'static str {
    match slot {
        Slot::Contacts => "contacts-file",
        Slot::Transactions => "transactions-file",
    }
}

/// Which source a file holds: by the columns its header names (the reliable sign), else by
/// its file name (so a broken `transactions.csv` still lands in its slot and the engine can
/// say what is wrong with it). `head` is the file's first bytes.
pub fn identify(file_name: &str, head: &[u8]) -> Option<Slot> {
    let header = header_names(head);
    let by_header = Slot::ALL.into_iter().find(|&slot| {
        def(slot)
            .columns
            .iter()
            .all(|c| header.iter().any(|h| h == c.name))
    });
    by_header.or_else(|| {
        let name = file_name.to_ascii_lowercase();
        if name.contains("transaction") {
            Some(Slot::Transactions)
        } else if name.contains("contact") {
            Some(Slot::Contacts)
        } else {
            None
        }
    })
}

/// The column names of a CSV's first line, unquoted and lower-cased. Good enough to tell the
/// two exports apart; the engine does the real parsing.
fn header_names(bytes: &[u8]) -> Vec<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(line)
        .split(',')
        .map(|name| name.trim().trim_matches('"').trim().to_ascii_lowercase())
        .collect()
}

/// One source's file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceInput {
    pub spec: SourceSpec,
    /// When the user's file was last modified (the `File`'s `lastModified`, milliseconds):
    /// with its name and size, how a saved session tells its files apart.
    pub modified: Option<i64>,
}

impl SourceInput {
    /// A file the user brought: `token` names its `File`, which the page hands the worker.
    pub fn user(token: u64, name: impl Into<String>, size: u64) -> SourceInput {
        SourceInput {
            spec: SourceSpec::File(FileRef {
                token,
                name: name.into(),
                size,
            }),
            modified: None,
        }
    }

    /// The same file, last modified at `millis`.
    pub fn modified_at(self, millis: i64) -> SourceInput {
        SourceInput {
            modified: Some(millis),
            ..self
        }
    }

    fn demo() -> SourceInput {
        SourceInput {
            spec: SourceSpec::Demo,
            modified: None,
        }
    }

    pub fn is_demo(&self) -> bool {
        self.spec == SourceSpec::Demo
    }

    /// The name used in messages: the user's file name, or the demo's `contacts.csv`.
    pub fn name(&self, slot: Slot) -> String {
        self.spec.name(slot)
    }

    /// The file's size in bytes; `None` for the demo.
    pub fn size(&self) -> Option<u64> {
        match &self.spec {
            SourceSpec::Demo => None,
            SourceSpec::File(f) => Some(f.size),
        }
    }
}

/// The files the next run reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inputs {
    contacts: SourceInput,
    transactions: SourceInput,
}

impl Inputs {
    /// The bundled demo exports.
    pub fn demo() -> Inputs {
        Inputs {
            contacts: SourceInput::demo(),
            transactions: SourceInput::demo(),
        }
    }

    pub fn get(&self, slot: Slot) -> &SourceInput {
        match slot {
            Slot::Contacts => &self.contacts,
            Slot::Transactions => &self.transactions,
        }
    }

    pub fn set(&mut self, slot: Slot, input: SourceInput) {
        match slot {
            Slot::Contacts => self.contacts = input,
            Slot::Transactions => self.transactions = input,
        }
    }

    /// Whether both sources are the demo's.
    pub fn is_demo(&self) -> bool {
        Slot::ALL.iter().all(|&s| self.get(s).is_demo())
    }

    /// The sources as a run request names them.
    pub fn specs(&self) -> [SourceSpec; 2] {
        [self.contacts.spec.clone(), self.transactions.spec.clone()]
    }

    /// The tokens of the user's files, for the page to hand their `File`s to the worker.
    pub fn tokens(&self) -> Vec<u64> {
        self.specs()
            .iter()
            .filter_map(|s| match s {
                SourceSpec::File(f) => Some(f.token),
                SourceSpec::Demo => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO_CONTACTS: &[u8] = c360_worker::session::DEMO_CONTACTS;
    const DEMO_TRANSACTIONS: &[u8] = c360_worker::session::DEMO_TRANSACTIONS;

    #[test]
    fn identifies_an_export_by_its_header_whatever_its_name() {
        assert_eq!(
            identify("export (3).csv", DEMO_CONTACTS),
            Some(Slot::Contacts)
        );
        assert_eq!(
            identify("contacts.csv", DEMO_TRANSACTIONS),
            Some(Slot::Transactions)
        );
        let bom = [b"\xEF\xBB\xBF".as_slice(), DEMO_CONTACTS].concat();
        assert_eq!(identify("x.csv", &bom), Some(Slot::Contacts));
        let crlf = "ID , Username,name,gender,address,mail,birthdate,_loaded_at_utc\r\n";
        assert_eq!(identify("x.csv", crlf.as_bytes()), Some(Slot::Contacts));
    }

    #[test]
    fn falls_back_to_the_file_name_then_gives_up() {
        assert_eq!(
            identify("Transactions-2023.csv", b"a,b\n"),
            Some(Slot::Transactions)
        );
        assert_eq!(identify("crm_contacts.csv", b""), Some(Slot::Contacts));
        assert_eq!(identify("notes.csv", b"a,b\n1,2\n"), None);
    }

    #[test]
    fn each_slot_is_replaced_on_its_own() {
        let mut inputs = Inputs::demo();
        assert!(inputs.is_demo());
        inputs.set(Slot::Transactions, SourceInput::user(7, "t.csv", 1));
        assert!(!inputs.is_demo());
        assert_eq!(
            inputs.get(Slot::Transactions).name(Slot::Transactions),
            "t.csv"
        );
        assert_eq!(
            inputs.get(Slot::Contacts).name(Slot::Contacts),
            "contacts.csv"
        );
        assert!(inputs.get(Slot::Contacts).is_demo());
        assert_eq!(inputs.tokens(), [7]);
    }
}
