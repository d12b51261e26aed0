//! The worker's binary: Trunk builds it for wasm32 (`data-type="worker"`).

#[cfg(target_arch = "wasm32")]
fn main() {
    c360_worker::shell::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("c360-worker is the engine in c360's Web Worker: build the site with `trunk build`.");
    std::process::exit(2);
}
