//! What Graph's bodies look like: the generator's descriptors, the validation of a body
//! against them, and the invite body's own model and rules.

pub mod body;
pub mod descriptor;
pub mod model;
pub mod validate;
