//! What the user confirms before files with other headers load: which export each file is
//! and which of its headers holds each required column.
//!
//! A file whose header names every required column as the exercise does loads at once; so
//! does one whose header was mapped before (a remembered mapping is offered again for a file
//! with the same header). Any other file becomes a [`Draft`]: the worker's
//! [`Inspection`] proposes a source and a mapping, the user confirms or edits them, and the
//! files of one drop load together, in one run, once every draft is complete.
//!
//! Plain data: the dialog that shows it is `mapping_dialog.rs`.

use c360::engine::decode::Delimiter;
use c360::engine::mapping::{Mapping, MappingError, MappingFile};
use c360_worker::protocol::{FileRef, Inspection};

use super::inputs::{self, Slot, SourceInput};

/// A mapping the user confirmed, kept for the next file with the same header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remembered {
    pub slot: Slot,
    /// Its `header` is the file's header it was made for.
    pub mapping: Mapping,
}

/// One file under review.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub inspection: Inspection,
    /// Which export it is; `None` until the header or the user says.
    pub slot: Option<Slot>,
    /// Required column → the header chosen for it, in the slot's column order.
    pub chosen: Vec<(String, Option<String>)>,
    /// Whether the file may load without the user's confirmation.
    pub settled: bool,
    /// The mapping came from one remembered for this header.
    pub remembered: bool,
    /// The delimiter the user chose instead of the sniffed one.
    pub delimiter: Option<char>,
    /// When the file was last modified (milliseconds), for a saved session to tell it apart.
    pub modified: Option<i64>,
}

impl Draft {
    /// A draft of an inspected file: as chosen with a source's picker (`forced`), as the
    /// header says, or as its name says; with a mapping remembered for its header, or the one
    /// proposed.
    pub fn new(inspection: Inspection, forced: Option<Slot>, remembered: &[Remembered]) -> Draft {
        let header = inspection.head.header.clone();
        let memory = remembered.iter().find(|r| {
            r.mapping.header.as_ref() == Some(&header) && forced.is_none_or(|s| s == r.slot)
        });
        let slot = forced
            .or(memory.map(|r| r.slot))
            .or(inspection.recognised)
            .or_else(|| by_name(&inspection.file.name));
        let mut draft = Draft {
            inspection,
            slot,
            chosen: Vec::new(),
            settled: false,
            remembered: false,
            delimiter: None,
            modified: None,
        };
        draft.choose_proposed();
        if let (Some(memory), Some(slot)) = (memory, slot) {
            if memory.slot == slot {
                draft.chosen = inputs::def(slot)
                    .columns
                    .iter()
                    .map(|c| {
                        let h = memory.mapping.header_for(c.name).to_string();
                        (c.name.to_string(), header.contains(&h).then_some(h))
                    })
                    .collect();
                draft.delimiter = memory.mapping.delimiter.map(|d| char::from(d.byte()));
                draft.remembered = true;
            }
        }
        draft.settled = match draft.slot {
            Some(slot) => {
                draft.remembered && draft.mapping().is_ok()
                    || draft.inspection.proposal(slot).is_exact()
            }
            None => false,
        };
        draft
    }

    /// Takes the proposal for the slot (none without a slot).
    fn choose_proposed(&mut self) {
        self.chosen = match self.slot {
            Some(slot) => self
                .inspection
                .proposal(slot)
                .columns
                .iter()
                .map(|c| (c.column.clone(), c.header.clone()))
                .collect(),
            None => Vec::new(),
        };
    }

    pub fn file(&self) -> &FileRef {
        &self.inspection.file
    }

    /// Says which export the file is: the mapping starts again from that source's proposal.
    pub fn set_slot(&mut self, slot: Slot) {
        if self.slot != Some(slot) {
            self.slot = Some(slot);
            self.remembered = false;
            self.choose_proposed();
        }
    }

    /// Chooses the header that holds `column` (`None`: no header does).
    pub fn set_header(&mut self, column: &str, header: Option<String>) {
        if let Some(entry) = self.chosen.iter_mut().find(|(c, _)| c == column) {
            entry.1 = header;
            self.remembered = false;
        }
    }

    /// Takes a newer inspection of the same file (another delimiter): its header may differ,
    /// so the mapping starts again from its proposal.
    pub fn reinspect(&mut self, inspection: Inspection, delimiter: Option<char>) {
        self.inspection = inspection;
        self.delimiter = delimiter;
        self.remembered = false;
        self.choose_proposed();
    }

    /// The header chosen for `column`.
    pub fn header_of(&self, column: &str) -> Option<&str> {
        self.chosen
            .iter()
            .find(|(c, _)| c == column)
            .and_then(|(_, h)| h.as_deref())
    }

    /// The chosen mapping, checked against the file's header as the loader will check it.
    pub fn mapping(&self) -> Result<Mapping, MappingError> {
        let Some(slot) = self.slot else {
            return Err(MappingError::UnknownSource {
                name: self.file().name.clone(),
                valid: Slot::ALL
                    .iter()
                    .map(|&s| inputs::def(s).name.to_string())
                    .collect(),
            });
        };
        let def = inputs::def(slot);
        let header = &self.inspection.head.header;
        let mut mapping = Mapping {
            header: Some(header.clone()),
            delimiter: self
                .delimiter
                .and_then(|d| u8::try_from(d).ok())
                .and_then(Delimiter::new),
            ..Mapping::default()
        };
        for (column, chosen) in &self.chosen {
            match chosen {
                Some(h) if h != column => {
                    mapping.columns.insert(column.clone(), h.clone());
                }
                Some(_) => {}
                None => {
                    let candidates = self
                        .inspection
                        .proposal(slot)
                        .columns
                        .iter()
                        .find(|c| c.column == *column)
                        .map(|c| c.candidates.clone())
                        .unwrap_or_default();
                    return Err(MappingError::Unmapped {
                        file: self.file().name.clone(),
                        column: column.clone(),
                        header: header.clone(),
                        candidates,
                    });
                }
            }
        }
        mapping.apply(def, header)?;
        Ok(mapping)
    }

    /// Whether the mapping renames nothing: the file is read as it is.
    pub fn is_identity(&self) -> bool {
        self.chosen
            .iter()
            .all(|(c, h)| h.as_deref() == Some(c.as_str()))
            && self.delimiter.is_none()
    }

    /// The source input this draft loads as, once complete.
    pub fn input(&self) -> Result<(Slot, SourceInput), MappingError> {
        let mapping = self.mapping()?;
        let slot = self.slot.expect("a complete mapping has a slot");
        let file = self.file();
        let mut input = SourceInput::user(file.token, file.name.clone(), file.size);
        if let Some(modified) = self.modified {
            input = input.modified_at(modified);
        }
        let mapping = (!self.is_identity()).then_some(mapping);
        Ok((slot, input.with_mapping(mapping)))
    }
}

/// The source a file's name suggests: a broken `transactions.csv` still lands in its slot,
/// so that the engine can say what is wrong with it.
fn by_name(file_name: &str) -> Option<Slot> {
    let name = file_name.to_ascii_lowercase();
    if name.contains("transaction") {
        Some(Slot::Transactions)
    } else if name.contains("contact") {
        Some(Slot::Contacts)
    } else {
        None
    }
}

/// The files of one pick or drop, and a schema file that came with them.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Review {
    pub drafts: Vec<Draft>,
    /// A schema file's name and text.
    pub schema: Option<(String, String)>,
    /// Why the last confirmation could not load the files.
    pub error: Option<String>,
}

impl Review {
    /// Whether every file may load without asking the user.
    pub fn is_settled(&self) -> bool {
        self.drafts.iter().all(|d| d.settled)
    }

    /// The draft of the file with this token.
    pub fn draft_mut(&mut self, token: u64) -> Option<&mut Draft> {
        self.drafts.iter_mut().find(|d| d.file().token == token)
    }

    /// The inputs the files load as, or the first reason they cannot: an incomplete mapping,
    /// or two files for one source.
    pub fn inputs(&self) -> Result<Vec<(Slot, SourceInput)>, String> {
        let mut out: Vec<(Slot, SourceInput)> = Vec::new();
        for draft in &self.drafts {
            let (slot, input) = draft.input().map_err(|e| e.to_string())?;
            if let Some((_, other)) = out.iter().find(|(s, _)| *s == slot) {
                return Err(format!(
                    "{} and {} are both {} exports; choose one of each at most.",
                    input.name(slot),
                    other.name(slot),
                    inputs::file_name(slot)
                ));
            }
            out.push((slot, input));
        }
        Ok(out)
    }

    /// The confirmed mappings, to remember for files with the same header.
    pub fn to_remember(&self) -> Vec<Remembered> {
        self.drafts
            .iter()
            .filter(|d| !d.is_identity())
            .filter_map(|d| {
                Some(Remembered {
                    slot: d.slot?,
                    mapping: d.mapping().ok()?,
                })
            })
            .collect()
    }

    /// The mappings as the file the CLI takes (`--mapping PATH`).
    pub fn mapping_file(&self) -> MappingFile {
        let mut file = MappingFile::new();
        for draft in &self.drafts {
            if let (Some(slot), Ok(mapping)) = (draft.slot, draft.mapping()) {
                file.set(inputs::def(slot), mapping);
            }
        }
        file
    }

    /// Takes the mappings of a mapping file the user loaded: each draft whose source it maps
    /// and whose header has the headers it names.
    pub fn apply_file(&mut self, file: &MappingFile) -> usize {
        let mut applied = 0;
        for draft in &mut self.drafts {
            for slot in Slot::ALL {
                let Some(mapping) = file.get(inputs::def(slot)) else {
                    continue;
                };
                let header = &draft.inspection.head.header;
                if mapping.apply(inputs::def(slot), header).is_ok() {
                    draft.set_slot(slot);
                    for (column, chosen) in &mut draft.chosen {
                        *chosen = Some(mapping.header_for(column).to_string());
                    }
                    applied += 1;
                    break;
                }
            }
        }
        applied
    }
}
