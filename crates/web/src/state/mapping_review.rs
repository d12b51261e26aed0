//! What the user confirms before files with other headers load: which export each file is
//! and which of its headers holds each required column.
//!
//! A file whose header names every required column as the exercise does loads at once; so
//! does one whose header was mapped before (a remembered mapping is offered again for a file
//! with the same header). Any other file becomes a [`Draft`]: the worker's
//! [`Inspection`] proposes a source and a mapping, the user confirms or edits them, and the
//! files of one drop load together, in one run, once every draft is complete.
//!
//! Plain data: the dialog that shows it is `data_bar/mapping_dialog.rs`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use c360::engine::source::decode::Delimiter;
use c360::engine::source::mapping::{Mapping, MappingError, MappingFile};
use c360::engine::value::decimal::NumberFormat;
use c360_worker::protocol::{FileRef, Inspection};

use crate::state::inputs::{self, Slot, SourceInput};

/// A mapping the user confirmed, kept for the next file with the same header.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Decimal column → how the file writes its numbers (a currency symbol, thousands
    /// separators), as the user says.
    pub formats: BTreeMap<String, NumberFormat>,
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
            formats: BTreeMap::new(),
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
                draft.formats = memory.mapping.formats.clone();
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

    /// Says how the file writes the numbers of decimal column `column` (`None`: plainly).
    pub fn set_format(&mut self, column: &str, format: Option<NumberFormat>) {
        match format.filter(|f| f.currency_symbol.is_some() || f.thousands_separator.is_some()) {
            Some(f) => self.formats.insert(column.to_string(), f),
            None => self.formats.remove(column),
        };
        self.remembered = false;
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
            formats: self.formats.clone(),
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
            && self.formats.is_empty()
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
                    draft.formats = mapping.formats.clone();
                    applied += 1;
                    break;
                }
            }
        }
        applied
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use c360_worker::session::{inspect, FileAccess};

    /// One file's bytes, as the worker would read them.
    struct Bytes(Vec<u8>);

    impl FileAccess for Bytes {
        fn read(&mut self, _: &FileRef, offset: u64, len: usize) -> Result<Vec<u8>, String> {
            let from = (offset as usize).min(self.0.len());
            Ok(self.0[from..(from + len).min(self.0.len())].to_vec())
        }
    }

    fn inspected(token: u64, name: &str, text: &str) -> Inspection {
        let file = FileRef {
            token,
            name: name.into(),
            size: text.len() as u64,
        };
        inspect(&file, None, &mut Bytes(text.as_bytes().to_vec())).expect("inspects")
    }

    const SHOP: &str = "customer_id;order id;Order Date;price;qty;category;loaded_at\n\
        c1;t1;2023-04-15 09:57:19;12.5;2;Books;2023-05-09 10:05:28\n";
    const EXACT: &str =
        "contact_id,id,transaction_date,amount,item_count,category,_loaded_at_utc\n\
        c1,t1,2023-04-15 09:57:19,12.5,2,Books,2023-05-09 10:05:28\n";

    #[test]
    fn the_exercises_header_loads_without_asking() {
        let draft = Draft::new(inspected(1, "orders.csv", EXACT), None, &[]);
        assert_eq!(draft.slot, Some(Slot::Transactions));
        assert!(draft.settled && draft.is_identity());
        let (slot, input) = draft.input().unwrap();
        assert_eq!(slot, Slot::Transactions);
        assert_eq!(input.mapping, None, "read as it is");
    }

    #[test]
    fn other_headers_wait_for_confirmation_then_load_with_the_mapping() {
        let draft = Draft::new(inspected(2, "shop.csv", SHOP), None, &[]);
        assert_eq!(draft.slot, Some(Slot::Transactions));
        assert!(!draft.settled);
        assert_eq!(draft.header_of("amount"), Some("price"));
        let review = Review {
            drafts: vec![draft],
            ..Review::default()
        };
        assert!(!review.is_settled());
        let inputs = review.inputs().unwrap();
        let mapping = inputs[0].1.mapping.clone().expect("a mapping");
        assert_eq!(mapping.columns["contact_id"], "customer_id");
        assert_eq!(mapping.columns.get("category"), None, "its own name");
        // The CLI's file holds the same mapping.
        let file = review.mapping_file();
        let back = MappingFile::from_json(&file.to_json()).unwrap();
        assert_eq!(back.get(inputs::def(Slot::Transactions)), Some(&mapping));

        // Remembered, the same header loads at once with it; another header does not.
        let remembered = review.to_remember();
        assert_eq!(remembered.len(), 1);
        let again = Draft::new(inspected(3, "shop (2).csv", SHOP), None, &remembered);
        assert!(again.settled && again.remembered);
        assert_eq!(again.input().unwrap().1.mapping, Some(mapping));
        let other = SHOP.replace("qty", "quantity");
        let other = Draft::new(inspected(4, "shop3.csv", &other), None, &remembered);
        assert!(!other.settled && !other.remembered);
    }

    #[test]
    fn an_edit_is_checked_as_the_loader_checks_it() {
        let mut draft = Draft::new(inspected(2, "shop.csv", SHOP), None, &[]);
        draft.set_header("amount", None);
        let Err(MappingError::Unmapped { column, .. }) = draft.mapping() else {
            panic!("amount has no header");
        };
        assert_eq!(column, "amount");
        // One header for two columns is refused by the engine's own check.
        draft.set_header("amount", Some("qty".into()));
        assert!(draft.mapping().is_err());
        draft.set_header("amount", Some("price".into()));
        assert!(draft.mapping().is_ok());
        // A delimiter the user chose is part of the mapping.
        draft.delimiter = Some(';');
        assert_eq!(
            draft.mapping().unwrap().delimiter.map(|d| d.byte()),
            Some(b';')
        );
        assert!(!draft.is_identity());
        // So is how the amounts are written.
        let dollars = NumberFormat {
            currency_symbol: Some("$".into()),
            thousands_separator: Some(','),
        };
        draft.set_format("amount", Some(dollars.clone()));
        assert_eq!(draft.mapping().unwrap().formats["amount"], dollars);
        draft.set_format("amount", Some(NumberFormat::default()));
        assert!(draft.mapping().unwrap().formats.is_empty());
    }

    #[test]
    fn a_file_of_neither_export_has_no_source_until_the_user_says() {
        let mut draft = Draft::new(inspected(5, "notes.csv", "a,b\n1,2\n"), None, &[]);
        assert_eq!(draft.slot, None);
        assert!(!draft.settled);
        assert!(matches!(
            draft.mapping(),
            Err(MappingError::UnknownSource { .. })
        ));
        draft.set_slot(Slot::Contacts);
        assert!(matches!(
            draft.mapping(),
            Err(MappingError::Unmapped { .. })
        ));
        // Chosen with a source's picker, a file is that source's whatever its header says.
        let forced = Draft::new(inspected(6, "x.csv", EXACT), Some(Slot::Contacts), &[]);
        assert_eq!(forced.slot, Some(Slot::Contacts));
        assert!(!forced.settled);
    }

    #[test]
    fn two_files_for_one_source_are_refused() {
        let review = Review {
            drafts: vec![
                Draft::new(inspected(1, "a.csv", EXACT), None, &[]),
                Draft::new(inspected(2, "b.csv", EXACT), None, &[]),
            ],
            ..Review::default()
        };
        let why = review.inputs().unwrap_err();
        assert!(why.contains("a.csv") && why.contains("b.csv"), "{why}");
    }

    #[test]
    fn a_loaded_mapping_file_applies_to_the_files_it_fits() {
        let mut review = Review {
            drafts: vec![Draft::new(inspected(2, "shop.csv", SHOP), None, &[])],
            ..Review::default()
        };
        review.drafts[0].set_header("amount", None);
        let file = MappingFile::from_json(
            r#"{"version": 1, "sources": {"transactions": {"columns": {
                "contact_id": "customer_id", "id": "order id", "transaction_date": "Order Date",
                "amount": "price", "item_count": "qty", "_loaded_at_utc": "loaded_at"}}}}"#,
        )
        .unwrap();
        assert_eq!(review.apply_file(&file), 1);
        assert_eq!(review.drafts[0].header_of("amount"), Some("price"));
        assert!(review.inputs().is_ok());
        assert_eq!(review.apply_file(&MappingFile::new()), 0);
    }
}
