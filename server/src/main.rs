//! The `atrium` binary: `atrium serve`, `atrium migrate`, `atrium create-super-admin`,
//! `atrium demo`. Run `atrium --help`, or see the README for the one-command start.

/// Rendering pages allocates many small, short-lived values; mimalloc handles that pattern
/// much better than the system allocator (see docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    server::cli::main()
}
