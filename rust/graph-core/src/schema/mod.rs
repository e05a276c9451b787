//! What Graph's bodies look like: the models, the normalization and
//! validation of a body against them, and Graph's JSON shaped for the shim.

pub mod body;
pub mod descriptor;
pub mod model;
pub mod output;
pub mod validate;
