//! The page's entry point, built by Trunk for wasm32; natively, the `posture` command
//! (`posture::cli`). See README.md.

#[cfg(target_arch = "wasm32")]
fn main() {
    posture::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    posture::cli::main()
}
