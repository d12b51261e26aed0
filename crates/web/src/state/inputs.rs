//! The two files a run reads: the bundled demo exports, or the user's own.
//!
//! Each source slot is replaced on its own (a user may bring only a transactions export and
//! keep the demo contacts). The page keeps only what it knows of a file — its name, size and
//! a token; the `File` itself goes to the worker, which reads it in chunks and parses it
//! once: a re-run with the same token reuses the parsed table. Nothing here parses CSV.

use c360::engine::source::mapping::{Mapping, MappingFile};
use c360::engine::source::SourceDef;
use c360::engine::source::SOURCES;

pub use c360_worker::protocol::Slot;
use c360_worker::protocol::{FileRef, Sample, SourceSpec};

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

/// One source's file, and the mapping it is read with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceInput {
    pub spec: SourceSpec,
    /// Which of the file's headers hold the required columns; `None` when the file names
    /// them as the exercise does.
    pub mapping: Option<Mapping>,
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
            mapping: None,
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

    /// The same file, read with `mapping`.
    pub fn with_mapping(mut self, mapping: Option<Mapping>) -> SourceInput {
        self.mapping = mapping;
        self
    }

    fn demo() -> SourceInput {
        SourceInput {
            spec: SourceSpec::Demo,
            mapping: None,
            modified: None,
        }
    }

    pub fn is_demo(&self) -> bool {
        self.spec == SourceSpec::Demo
    }

    /// Both sources of a generated sample.
    pub fn sample(sample: Sample) -> SourceInput {
        SourceInput {
            spec: SourceSpec::Sample(sample),
            mapping: None,
            modified: None,
        }
    }

    /// The name used in messages: the user's file name, or the demo's `contacts.csv`.
    pub fn name(&self, slot: Slot) -> String {
        self.spec.name(slot)
    }

    /// The file's size in bytes; `None` for the demo.
    pub fn size(&self) -> Option<u64> {
        match &self.spec {
            SourceSpec::Demo | SourceSpec::Sample(_) => None,
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

    /// The mappings of the sources that have one, as the mapping file the CLI takes.
    pub fn mapping_file(&self) -> MappingFile {
        let mut file = MappingFile::new();
        for slot in Slot::ALL {
            if let Some(mapping) = &self.get(slot).mapping {
                file.set(def(slot), mapping.clone());
            }
        }
        file
    }

    /// The tokens of the user's files, for the page to hand their `File`s to the worker.
    pub fn tokens(&self) -> Vec<u64> {
        self.specs()
            .iter()
            .filter_map(|s| match s {
                SourceSpec::File(f) => Some(f.token),
                SourceSpec::Demo | SourceSpec::Sample(_) => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
