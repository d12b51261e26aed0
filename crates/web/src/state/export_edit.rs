//! The partner export's edits to its policy file, as rules with no browser in them: the
//! policy a column has, the menu it is offered, what choosing a policy or a quasi-identifier
//! does to the file, and what a change of dataset keeps. The export page's components only
//! call these.

use c360::engine::export::manifest::ManifestColumn;
use c360::engine::export::policy::choices;
use c360::engine::export::policy::default_policy;
use c360::engine::export::{Dataset, Key, Policy, PolicyFile};

/// The policy the user chose for `column`: the file's, or c360's default.
pub fn chosen(file: &PolicyFile, column: &ManifestColumn) -> Policy {
    file.columns
        .get(&column.name)
        .cloned()
        .unwrap_or_else(|| default_policy(&column.name, column.data_type))
}

/// The menu for `column`: the policies that fit it, and the chosen one if it is not among
/// them (a policy file may hold any parameter).
pub fn menu(column: &ManifestColumn, current: &Policy) -> Vec<Policy> {
    let mut menu = choices(column.data_type, column.classification);
    if !menu.contains(current) {
        menu.push(current.clone());
    }
    menu
}

/// Sets `column`'s policy; a dropped column stops being a quasi-identifier.
pub fn set_policy(file: &mut PolicyFile, column: &str, policy: Policy) {
    if policy == Policy::Drop {
        if let Some(qis) = &mut file.quasi_identifiers {
            qis.retain(|q| q != column);
        }
    }
    file.columns.insert(column.to_string(), policy);
}

/// Adds or removes `column` from the quasi-identifiers, starting from those in force.
pub fn set_quasi_identifier(file: &mut PolicyFile, in_force: &[String], column: &str, on: bool) {
    let mut qis = file
        .quasi_identifiers
        .clone()
        .unwrap_or_else(|| in_force.to_vec());
    qis.retain(|q| q != column);
    if on {
        qis.push(column.to_string());
    }
    file.quasi_identifiers = Some(qis);
}

/// A policy file for `dataset` that keeps the settings of `from` that name no column (k, the
/// small-class choice, the pseudonym length); a confirmation below k is never carried over.
pub fn for_dataset(from: &PolicyFile, dataset: Dataset) -> PolicyFile {
    PolicyFile {
        k: from.k,
        small_classes: from.small_classes,
        pseudonym_length: from.pseudonym_length,
        ..PolicyFile::defaults(dataset)
    }
}

/// The file name a policy is saved under.
pub fn policy_file_name(dataset: Dataset) -> String {
    format!("c360-policy-{}.json", dataset.model_name())
}

/// Whether `secret` can key the pseudonyms, and why not (the engine's words).
pub fn check_key(secret: &str) -> Result<(), String> {
    Key::from_secret(secret)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use c360::engine::export::classify::{classify, Classification, QuasiKind};
    use c360::engine::export::{Generalisation, SmallClasses};
    use c360::engine::value::column::DataType;

    fn column(name: &str, data_type: DataType) -> ManifestColumn {
        ManifestColumn {
            name: name.into(),
            data_type,
            classification: classify(name),
            policy: default_policy(name, data_type),
            default_policy: true,
            exported: true,
            exported_type: Some(data_type),
            quasi_identifier: false,
            not_generalisable: 0,
        }
    }

    #[test]
    fn a_column_shows_its_default_until_the_file_names_it() {
        let mut file = PolicyFile::defaults(Dataset::StgSfContacts);
        let birth = column("birth_date", DataType::Date);
        assert_eq!(
            chosen(&file, &birth),
            Policy::Generalise(Generalisation::AgeBand { width: 10 })
        );
        assert_eq!(
            birth.classification,
            Classification::QuasiIdentifier(QuasiKind::Age)
        );
        set_policy(
            &mut file,
            "birth_date",
            Policy::Generalise(Generalisation::YearOfBirth),
        );
        assert_eq!(
            chosen(&file, &birth),
            Policy::Generalise(Generalisation::YearOfBirth)
        );
        // A parameter the menu does not offer is still on it, once.
        let odd = Policy::Mask { keep: 7 };
        let name = column("user_name", DataType::Text);
        let offered = menu(&name, &odd);
        assert_eq!(offered.iter().filter(|p| **p == odd).count(), 1);
        assert!(offered.contains(&Policy::Drop));
    }

    #[test]
    fn dropping_a_quasi_identifier_takes_it_out_of_the_list() {
        let mut file = PolicyFile::defaults(Dataset::Customers);
        set_quasi_identifier(&mut file, &["gender".into(), "age".into()], "r_score", true);
        assert_eq!(
            file.quasi_identifiers.as_deref(),
            Some(&["gender".to_string(), "age".into(), "r_score".into()][..])
        );
        set_policy(&mut file, "age", Policy::Drop);
        assert_eq!(
            file.quasi_identifiers.as_deref(),
            Some(&["gender".to_string(), "r_score".into()][..])
        );
        set_quasi_identifier(&mut file, &[], "gender", false);
        assert_eq!(
            file.quasi_identifiers.as_deref(),
            Some(&["r_score".to_string()][..])
        );
    }

    #[test]
    fn a_new_dataset_keeps_k_and_forgets_the_columns() {
        let mut file = PolicyFile::defaults(Dataset::Customers);
        file.k = 11;
        file.small_classes = SmallClasses::Generalise;
        file.allow_below_k = true;
        file.columns.insert("age".into(), Policy::Drop);
        let next = for_dataset(&file, Dataset::StgSfContacts);
        assert_eq!(next.dataset, Dataset::StgSfContacts);
        assert_eq!((next.k, next.small_classes), (11, SmallClasses::Generalise));
        assert!(next.columns.is_empty() && !next.allow_below_k);
        assert_eq!(
            policy_file_name(Dataset::StgSfContacts),
            "c360-policy-stg_sf__contacts.json"
        );
    }

    #[test]
    fn a_short_key_is_refused_with_the_engines_words() {
        assert!(check_key("too short").unwrap_err().contains("at least 16"));
        assert!(check_key("sixteen chars ok").is_ok());
    }
}
