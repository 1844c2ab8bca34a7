//! The Web Worker's entry point. Trunk builds it with `data-type="worker"`; see README.md.

fn main() {
    #[cfg(target_arch = "wasm32")]
    posture::worker::start();
    #[cfg(not(target_arch = "wasm32"))]
    {
        eprintln!(
            "the posture worker runs in the browser: build it with `.ci/serve` (see README.md)"
        );
        std::process::exit(2);
    }
}
