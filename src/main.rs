//! The page's entry point. Trunk builds it for wasm32; see README.md.

fn main() {
    #[cfg(target_arch = "wasm32")]
    posture::ui::mount();
    #[cfg(not(target_arch = "wasm32"))]
    {
        eprintln!(
            "posture runs in the browser: build and serve it with `.ci/serve` (see README.md)"
        );
        std::process::exit(2);
    }
}
