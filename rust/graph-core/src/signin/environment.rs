//! The cloud a sign-in is for: its identity platform and its Graph. The
//! named environments themselves (built-in and user-defined) are the
//! session's (`session::environments`); the sign-in code is handed one.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Environment {
    pub name: String,
    #[serde(rename = "AzureADEndpoint")]
    pub azure_ad_endpoint: String,
    pub graph_endpoint: String,
    /// "Built-in" or "User-defined", as `Get-MgEnvironment` shows.
    #[serde(rename = "Type")]
    pub kind: String,
}
