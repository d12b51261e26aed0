//! The two files a run reads: the bundled demo exports, or the user's own.
//!
//! Each source slot is replaced on its own (a user may bring only a transactions export and
//! keep the demo contacts). The bytes are kept so that changing the as-of date can re-run the
//! DAG without asking for the files again. Nothing here parses CSV: that is the engine's job.

use std::sync::Arc;

use c360::engine::dag::SOURCES;
use c360::engine::source::SourceDef;
use c360::engine::{SourceFile, SourceFiles};

/// The demo CRM export, bundled into the wasm so the app works offline.
const DEMO_CONTACTS: &[u8] = include_bytes!("../../../seeds/contacts.csv");
/// The demo web-shop export.
const DEMO_TRANSACTIONS: &[u8] = include_bytes!("../../../seeds/transactions.csv");

/// One of the project's two sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    Contacts,
    Transactions,
}

impl Slot {
    /// Both slots, in the engine's load order.
    pub const ALL: [Slot; 2] = [Slot::Contacts, Slot::Transactions];

    /// The engine's definition of this source (columns, file name, unique id).
    pub fn def(self) -> &'static SourceDef {
        match self {
            Slot::Contacts => &SOURCES[0],
            Slot::Transactions => &SOURCES[1],
        }
    }

    /// The file name users know the export by: `contacts.csv`.
    pub fn file_name(self) -> &'static str {
        self.def().file_name
    }

    /// The `data-testid` of this slot's file input.
    pub fn test_id(self) -> &'static str {
        match self {
            Slot::Contacts => "contacts-file",
            Slot::Transactions => "transactions-file",
        }
    }

    /// Which source a file holds: by the columns its header names (the reliable sign), else
    /// by its file name (so a broken `transactions.csv` still lands in its slot and the
    /// engine can say what is wrong with it).
    pub fn identify(file_name: &str, bytes: &[u8]) -> Option<Slot> {
        let header = header_names(bytes);
        let by_header = Slot::ALL.into_iter().find(|slot| {
            slot.def()
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

/// Where a source's bytes came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The bundled demo seed.
    Demo,
    /// A file the user picked or dropped.
    User,
}

/// One source's file.
#[derive(Clone, Debug)]
pub struct SourceInput {
    /// The name used in messages: the user's file name, or the demo's `contacts.csv`.
    pub name: String,
    pub bytes: Arc<[u8]>,
    pub origin: Origin,
}

impl SourceInput {
    /// A file the user brought.
    pub fn user(name: impl Into<String>, bytes: Vec<u8>) -> SourceInput {
        SourceInput {
            name: name.into(),
            bytes: bytes.into(),
            origin: Origin::User,
        }
    }

    fn demo(slot: Slot) -> SourceInput {
        let bytes = match slot {
            Slot::Contacts => DEMO_CONTACTS,
            Slot::Transactions => DEMO_TRANSACTIONS,
        };
        SourceInput {
            name: slot.file_name().into(),
            bytes: bytes.into(),
            origin: Origin::Demo,
        }
    }
}

/// The files the next run reads.
#[derive(Clone, Debug)]
pub struct Inputs {
    contacts: SourceInput,
    transactions: SourceInput,
}

impl Inputs {
    /// The bundled demo exports.
    pub fn demo() -> Inputs {
        Inputs {
            contacts: SourceInput::demo(Slot::Contacts),
            transactions: SourceInput::demo(Slot::Transactions),
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
        Slot::ALL
            .iter()
            .all(|&s| self.get(s).origin == Origin::Demo)
    }

    /// The bytes as the engine takes them.
    pub fn files(&self) -> SourceFiles<'_> {
        SourceFiles {
            contacts: SourceFile {
                name: &self.contacts.name,
                bytes: &self.contacts.bytes,
            },
            transactions: SourceFile {
                name: &self.transactions.name,
                bytes: &self.transactions.bytes,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifies_an_export_by_its_header_whatever_its_name() {
        assert_eq!(
            Slot::identify("export (3).csv", DEMO_CONTACTS),
            Some(Slot::Contacts)
        );
        assert_eq!(
            Slot::identify("contacts.csv", DEMO_TRANSACTIONS),
            Some(Slot::Transactions)
        );
        let bom = [b"\xEF\xBB\xBF".as_slice(), DEMO_CONTACTS].concat();
        assert_eq!(Slot::identify("x.csv", &bom), Some(Slot::Contacts));
        let crlf = "ID , Username,name,gender,address,mail,birthdate,_loaded_at_utc\r\n";
        assert_eq!(
            Slot::identify("x.csv", crlf.as_bytes()),
            Some(Slot::Contacts)
        );
    }

    #[test]
    fn falls_back_to_the_file_name_then_gives_up() {
        assert_eq!(
            Slot::identify("Transactions-2023.csv", b"a,b\n"),
            Some(Slot::Transactions)
        );
        assert_eq!(
            Slot::identify("crm_contacts.csv", b""),
            Some(Slot::Contacts)
        );
        assert_eq!(Slot::identify("notes.csv", b"a,b\n1,2\n"), None);
    }

    #[test]
    fn each_slot_is_replaced_on_its_own() {
        let mut inputs = Inputs::demo();
        assert!(inputs.is_demo());
        inputs.set(
            Slot::Transactions,
            SourceInput::user("t.csv", b"x".to_vec()),
        );
        assert!(!inputs.is_demo());
        assert_eq!(inputs.files().transactions.name, "t.csv");
        assert_eq!(inputs.files().contacts.name, "contacts.csv");
        assert_eq!(inputs.get(Slot::Contacts).origin, Origin::Demo);
    }
}
