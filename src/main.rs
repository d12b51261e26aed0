//! The `c360` binary: the command line natively, the web app when Trunk builds it for wasm32.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    c360::cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {
    c360::web::start();
}
