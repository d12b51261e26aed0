//! The `c360` command line.

fn main() -> std::process::ExitCode {
    c360::cli::main()
}
