//! Building blocks shared by every page.

pub mod errors;
pub mod forms;
pub mod layout;
pub mod loaded;
pub mod page_json;
pub mod style;
pub mod time;
pub mod upload;
