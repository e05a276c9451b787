//! The one error type of graph-core, and how each error becomes the data of
//! a PowerShell error record (the shim only copies these fields).

use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The invite's body (its messages say so, as they always have).
    #[error("the body is not valid: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    InvalidBody(Vec<Problem>),
    /// A generated command's body.
    #[error("the body is not valid: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    InvalidRequestBody(Vec<Problem>),
    #[error("{0}")]
    InvalidArgument(String),
    #[error("Authentication needed. Please call Connect-MgGraph.")]
    NotConnected,
    #[error("{0}")]
    Graph(Box<GraphError>),
    /// Signing in failed: the identity platform refused, or could not be reached.
    #[error("{message}")]
    Authentication {
        error_id: String,
        message: String,
        category: &'static str,
    },
    #[error("the request was cancelled")]
    Cancelled,
    #[error("{0}")]
    Timeout(String),
    #[error("{0}")]
    Transport(String),
    #[error("{0}")]
    InvalidResponse(String),
    #[error("unknown operation '{0}'")]
    UnknownOperation(String),
    /// A request refused before anything was sent, with an id of its own.
    #[error("{message}")]
    Refused {
        error_id: &'static str,
        message: String,
    },
}

/// One thing wrong with a body, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `participants[0].hidden`; empty for the body itself.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "body: {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Error ids of a delegated sign-in, whose messages carry their own advice.
const USER_SIGN_IN_ERRORS: &[&str] = &[
    "SignInDeclined",
    "DeviceCodeExpired",
    "SignInTimedOut",
    "SignInRequired",
    "LoopbackListenerFailed",
    "DelegatedPermissionNotSupported",
];

/// An error the service answered with.
#[derive(Debug, Clone)]
pub struct GraphError {
    /// Retries made before this answer (throttling, overloaded front ends).
    pub retries: u32,
    pub status: u16,
    pub reason: String,
    pub code: String,
    pub message: String,
    pub date: Option<String>,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
    /// The answer's body and headers, for the error records of `Invoke-MgGraphRequest`.
    pub response_body: Option<String>,
    pub response_headers: Option<serde_json::Value>,
}

impl std::fmt::Display for GraphError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] : {}", self.code, self.message)
    }
}

/// The fields of an ErrorRecord, as the shim builds it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ErrorData {
    pub error_id: String,
    pub message: String,
    /// A `System.Management.Automation.ErrorCategory` name.
    pub category: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The `ErrorDetails` text, when there is more to say than the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommended_action: Option<String>,
    /// Stops the pipeline (ThrowTerminatingError) rather than WriteError.
    pub terminating: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
}

fn category_for_status(status: u16) -> &'static str {
    match status {
        400 | 422 => "InvalidArgument",
        401 => "AuthenticationError",
        403 => "PermissionDenied",
        404 => "ObjectNotFound",
        408 | 504 => "OperationTimeout",
        409 => "ResourceExists",
        429 => "LimitsExceeded",
        502 | 503 => "ResourceUnavailable",
        _ => "InvalidOperation",
    }
}

impl CoreError {
    /// The error records this error stands for: one per body problem, one otherwise.
    pub fn records(&self) -> Vec<ErrorData> {
        let simple = |id: &str, category: &str, recommended: Option<&str>| ErrorData {
            error_id: id.to_string(),
            message: self.to_string(),
            category: category.to_string(),
            target: None,
            details: None,
            recommended_action: recommended.map(str::to_string),
            terminating: false,
            status: None,
            response_headers: None,
            response_body: None,
        };
        match self {
            CoreError::InvalidBody(problems) | CoreError::InvalidRequestBody(problems) => problems
                .iter()
                .map(|p| ErrorData {
                    error_id: "InvalidBody".into(),
                    message: if matches!(self, CoreError::InvalidBody(_)) {
                        format!("Invalid invite body: {p}")
                    } else {
                        format!("Invalid body: {p}")
                    },
                    category: "InvalidArgument".into(),
                    target: Some(if p.path.is_empty() {
                        "body".into()
                    } else {
                        p.path.clone()
                    }),
                    details: None,
                    recommended_action: Some(
                        "Fix the value at the path named; nothing was sent.".into(),
                    ),
                    terminating: false,
                    status: None,
                    response_headers: None,
                    response_body: None,
                })
                .collect(),
            CoreError::InvalidArgument(_) => vec![simple("InvalidArgument", "InvalidArgument", None)],
            CoreError::NotConnected => vec![simple(
                "NotConnected",
                "AuthenticationError",
                Some("Connect with Connect-MgGraph (an app-only token, client secret, certificate or managed identity) and try again."),
            )],
            CoreError::Graph(g) => vec![ErrorData {
                error_id: g.code.clone(),
                message: g.to_string(),
                category: category_for_status(g.status).into(),
                target: None,
                details: Some(g.response_body.clone().unwrap_or_else(|| g.details())),
                recommended_action: None,
                terminating: false,
                status: Some(g.status),
                response_headers: g.response_headers.clone(),
                response_body: g.response_body.clone(),
            }],
            // A user's sign-in says in its message what to do; app-only failures point at the registration.
            CoreError::Authentication { error_id, category, .. } => vec![simple(
                error_id,
                category,
                (!USER_SIGN_IN_ERRORS.contains(&error_id.as_str())).then_some(
                    "Check the app registration (client id, tenant, secret or certificate) and its application permission Calls.InitiateGroupCall.All with admin consent.",
                ),
            )],
            CoreError::Cancelled => vec![simple("Cancelled", "OperationStopped", None)],
            CoreError::Timeout(_) => vec![simple("Timeout", "OperationTimeout", None)],
            CoreError::Transport(_) => vec![simple("TransportError", "ConnectionError", None)],
            CoreError::InvalidResponse(_) => vec![simple("InvalidResponse", "InvalidResult", None)],
            CoreError::UnknownOperation(_) => vec![simple("UnknownOperation", "NotImplemented", None)],
            CoreError::Refused { error_id, .. } => vec![simple(error_id, "InvalidArgument", None)],
        }
    }
}

impl GraphError {
    /// The ErrorDetails text: the message, then what Microsoft's module shows below it.
    pub fn details(&self) -> String {
        let mut text = format!(
            "{self}\n\nStatus: {} ({})\nErrorCode: {}",
            self.status, self.reason, self.code
        );
        if let Some(date) = &self.date {
            text.push_str(&format!("\nDate: {date}"));
        }
        if let Some(id) = &self.request_id {
            text.push_str(&format!("\nrequest-id: {id}"));
        }
        if let Some(id) = &self.client_request_id {
            text.push_str(&format!("\nclient-request-id: {id}"));
        }
        if self.retries > 0 {
            text.push_str(&format!(
                "\nRetries: {} (the answer above is the last one)",
                self.retries
            ));
        }
        text
    }
}
