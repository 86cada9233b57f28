//! Tables downloaded as CSV (quoted by the csv crate, so a comma, quote or line break in a
//! value stays in its cell).

use crate::error::{Error, Result};

/// A CSV document written row by row in memory.
pub struct CsvTable(csv::Writer<Vec<u8>>);

impl CsvTable {
    /// Starts a table with its header row.
    pub fn new(header: &[&str]) -> Result<Self> {
        let mut table = Self(csv::Writer::from_writer(Vec::new()));
        table.row(header)?;
        Ok(table)
    }

    pub fn row<I, F>(&mut self, fields: I) -> Result<()>
    where
        I: IntoIterator<Item = F>,
        F: AsRef<[u8]>,
    {
        self.0.write_record(fields).map_err(failed)
    }

    pub fn finish(self) -> Result<String> {
        let bytes = self.0.into_inner().map_err(failed)?;
        String::from_utf8(bytes).map_err(failed)
    }
}

fn failed(error: impl std::fmt::Display) -> Error {
    Error::Internal(anyhow::anyhow!("writing CSV: {error}"))
}

/// A moment as a CSV cell: RFC 3339 in UTC, to the second.
pub fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_with_separators_stay_in_their_cells() {
        let mut table = CsvTable::new(&["name", "note"]).unwrap();
        table.row(["Ann", "says \"hi\", then\nleaves"]).unwrap();
        assert_eq!(
            table.finish().unwrap(),
            "name,note\nAnn,\"says \"\"hi\"\", then\nleaves\"\n"
        );
    }
}
