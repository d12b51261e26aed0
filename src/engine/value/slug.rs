//! Category names as column names: `Clothing, Shoes & Accessories` →
//! `clothing_shoes_and_accessories`.

/// Lower case, `&` becomes `and`, commas removed, spaces become `_`. Any other character that
/// is not a letter or digit also becomes `_` (runs collapse, ends are trimmed), so every slug
/// is a valid SQL identifier on Postgres and Databricks alike.
pub fn slug(category: &str) -> String {
    let lowered = category.to_lowercase().replace('&', "and").replace(',', "");
    let mut out = String::with_capacity(lowered.len());
    for c in lowered.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{trimmed}")
    } else {
        trimmed.to_string()
    }
}

/// The `customers` column that holds spend in `category`.
pub fn amount_column(category: &str) -> String {
    format!("{}_amount", slug(category))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exercise_categories() {
        assert_eq!(
            amount_column("Clothing, Shoes & Accessories"),
            "clothing_shoes_and_accessories_amount"
        );
        assert_eq!(amount_column("Apps & Games"), "apps_and_games_amount");
        assert_eq!(
            amount_column("Sports, Fitness & Outdoors"),
            "sports_fitness_and_outdoors_amount"
        );
        assert_eq!(amount_column("Movies & TV"), "movies_and_tv_amount");
        assert_eq!(amount_column("Kitchen"), "kitchen_amount");
    }

    #[test]
    fn odd_names_still_make_identifiers() {
        assert_eq!(slug("  Home / Garden "), "home_garden");
        assert_eq!(slug("3D Printing"), "_3d_printing");
    }
}
