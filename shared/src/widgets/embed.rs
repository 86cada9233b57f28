//! A published widget as an embedding site gets it: the live version's configuration, what a
//! status badge lists, and the signed visit its submissions must carry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::WidgetConfig;
use crate::catalog::ActivationStatus;
use crate::ids::WidgetId;

/// A service as a status badge lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeService {
    pub name: String,
    pub status: ActivationStatus,
    pub since: DateTime<Utc>,
}

/// Everything the embedded document draws and sends with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbeddedWidget {
    pub id: WidgetId,
    pub version: i32,
    pub config: WidgetConfig,
    /// The site showing it, when the browser said which (sent back with submissions).
    pub site: Option<String>,
    /// The server's signature over the widget, the site and an expiry: a submission without
    /// a valid one is refused.
    pub visit: String,
    /// For a status badge: the services it lists, with their status now.
    pub services: Vec<BadgeService>,
}
