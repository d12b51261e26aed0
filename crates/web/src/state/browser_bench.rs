//! The engine's benchmark ([`engine::bench`]) as the app's benchmark panel runs it: the sizes
//! a user can pick, the equivalent `cargo bench` command, and the result as text to paste
//! beside a native run.
//!
//! The panel runs the very function `cargo bench --bench build` runs, in the worker.
//! Seconds differ between machines and browsers; the ratio of each step to the peer (the `csv`
//! crate tokenising the same bytes, measured in the same run) is what compares. Nothing here
//! knows of the DOM.
//!
//! [`engine::bench`]: c360::engine::bench

use c360::engine::bench::BenchReport;

/// How much data the benchmark generates: contacts / transactions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BenchSize {
    /// 1k / 10k: well under a second, a check that the page works.
    #[default]
    Small,
    /// 10k / 100k.
    Medium,
    /// 100k / 1M: `cargo bench --bench build`'s default size.
    Large,
}

impl BenchSize {
    pub const ALL: [BenchSize; 3] = [BenchSize::Small, BenchSize::Medium, BenchSize::Large];

    pub fn contacts(self) -> usize {
        match self {
            BenchSize::Small => 1_000,
            BenchSize::Medium => 10_000,
            BenchSize::Large => 100_000,
        }
    }

    pub fn transactions(self) -> usize {
        self.contacts() * 10
    }

    /// The `<option>` value: `1k-10k`.
    pub fn value(self) -> &'static str {
        match self {
            BenchSize::Small => "1k-10k",
            BenchSize::Medium => "10k-100k",
            BenchSize::Large => "100k-1m",
        }
    }

    /// The size for an `<option>` value; `None` for anything else.
    pub fn from_value(value: &str) -> Option<BenchSize> {
        BenchSize::ALL.into_iter().find(|s| s.value() == value)
    }

    /// What the option reads: `1k contacts / 10k transactions`.
    pub fn label(self) -> &'static str {
        match self {
            BenchSize::Small => "1k contacts / 10k transactions",
            BenchSize::Medium => "10k contacts / 100k transactions",
            BenchSize::Large => "100k contacts / 1M transactions",
        }
    }
}

/// What to run: a size, and how many runs each step keeps the best of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BenchSettings {
    pub size: BenchSize,
    pub runs: Runs,
}

/// How many times each step runs; the best time counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Runs {
    #[default]
    One,
    Three,
}

impl Runs {
    pub const ALL: [Runs; 2] = [Runs::One, Runs::Three];

    pub fn count(self) -> usize {
        match self {
            Runs::One => 1,
            Runs::Three => 3,
        }
    }

    /// The runs for an `<option>` value (`1`, `3`); `None` for anything else.
    pub fn from_value(value: &str) -> Option<Runs> {
        Runs::ALL
            .into_iter()
            .find(|r| r.count().to_string() == value)
    }

    /// What the option reads: `1 run`, `best of 3`.
    pub fn label(self) -> &'static str {
        match self {
            Runs::One => "1 run",
            Runs::Three => "best of 3",
        }
    }
}

impl BenchSettings {
    /// The native run of the same benchmark at the same size, to compare ratios with.
    pub fn native_command(self) -> String {
        format!(
            "C360_BENCH_CONTACTS={} C360_BENCH_TRANSACTIONS={} C360_BENCH_RUNS={} \
             cargo bench --bench build",
            self.size.contacts(),
            self.size.transactions(),
            self.runs.count()
        )
    }
}

/// A benchmark run in the browser: the engine's report and where it ran.
#[derive(Clone, Debug)]
pub struct BrowserBench {
    pub settings: BenchSettings,
    pub report: BenchReport,
    /// The browser's `navigator.userAgent`.
    pub user_agent: String,
    /// How long it took, from the click to the report: generating the data, then every
    /// step's runs.
    pub wall_seconds: f64,
}

impl BrowserBench {
    /// The report as `cargo bench --bench build` prints it, then the browser it ran in and the
    /// native command to compare with: what "Copy as text" puts on the clipboard.
    pub fn as_text(&self) -> String {
        format!(
            "{}  browser: {}\n  native:  {}\n",
            self.report,
            self.user_agent,
            self.settings.native_command()
        )
    }
}

/// A ratio to the peer as the table shows it: `1.00×`, `3.42×`; a dash when the peer took no
/// measurable time (the ratio is then not a number).
pub fn ratio(value: f64) -> String {
    if value.is_finite() {
        format!("{value:.2}×")
    } else {
        "–".into()
    }
}

/// Where "Copy as text" put the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Copied {
    /// On the clipboard.
    ToClipboard,
    /// The clipboard was unavailable or refused: the text is selected on the page instead.
    Selected,
}

impl Copied {
    /// What the panel says after copying.
    pub fn message(self) -> &'static str {
        match self {
            Copied::ToClipboard => "Copied to the clipboard.",
            Copied::Selected => {
                "This browser did not let the page use the clipboard: the text below is \
                 selected, press Ctrl+C (⌘C on a Mac) to copy it."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_and_run_count_round_trips_through_its_option_value() {
        for size in BenchSize::ALL {
            assert_eq!(BenchSize::from_value(size.value()), Some(size));
            assert_eq!(size.transactions(), size.contacts() * 10);
        }
        for runs in Runs::ALL {
            assert_eq!(Runs::from_value(&runs.count().to_string()), Some(runs));
        }
        assert_eq!(BenchSize::from_value("1M"), None);
        assert_eq!(Runs::from_value("2"), None);
        assert_eq!(BenchSettings::default().size, BenchSize::Small);
        assert_eq!(BenchSettings::default().runs.count(), 1);
    }

    #[test]
    fn the_native_command_runs_the_same_size_and_runs() {
        let settings = BenchSettings {
            size: BenchSize::Large,
            runs: Runs::Three,
        };
        assert_eq!(
            settings.native_command(),
            "C360_BENCH_CONTACTS=100000 C360_BENCH_TRANSACTIONS=1000000 C360_BENCH_RUNS=3 \
             cargo bench --bench build"
        );
    }

    #[test]
    fn the_text_is_the_native_report_plus_the_browser() {
        let settings = BenchSettings::default();
        let report = c360::engine::bench::run(20, 200, 1);
        let native = report.to_string();
        let bench = BrowserBench {
            settings,
            report,
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/140".into(),
            wall_seconds: 0.1,
        };
        let text = bench.as_text();
        assert!(text.starts_with(&native), "{text}");
        assert!(text.starts_with("c360 bench: 20 contacts, 200 transactions"));
        assert!(text.contains("\n  browser: Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/140\n"));
        assert!(text.ends_with(&format!("  native:  {}\n", settings.native_command())));
    }

    #[test]
    fn ratios_read_to_two_places_and_never_as_nan() {
        assert_eq!(ratio(1.0), "1.00×");
        assert_eq!(ratio(3.4159), "3.42×");
        assert_eq!(ratio(f64::NAN), "–");
        assert_eq!(ratio(f64::INFINITY), "–");
    }
}
