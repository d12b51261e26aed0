//! The page's binary: Trunk builds it for wasm32 (`data-type="main"`).

#[cfg(target_arch = "wasm32")]
fn main() {
    c360_web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("c360-app is c360's web page: build it with `trunk build` (see the README).");
    std::process::exit(2);
}
