//! The `atrium` binary: `atrium serve`, `atrium migrate`, `atrium create-super-admin`,
//! `atrium demo`. Run `atrium --help`, or see the README for the one-command start.

fn main() -> std::process::ExitCode {
    server::cli::main()
}
