//! How the generator describes Graph's types to the core (`crate::generated::types`): plain
//! statics, so nothing is built or parsed when the library loads.

/// What a property holds (its element, when it is a collection).
#[derive(Debug)]
pub enum Kind {
    String,
    Boolean,
    Int32,
    Int64,
    /// Double, Single, Decimal.
    Number,
    DateTimeOffset,
    Date,
    TimeOfDay,
    Duration,
    Guid,
    Binary,
    Stream,
    Untyped,
    Enum(&'static EnumType),
    Struct(&'static StructType),
}

#[derive(Debug)]
pub struct Property {
    /// Graph's name (camelCase).
    pub name: &'static str,
    pub kind: Kind,
    pub collection: bool,
    pub nullable: bool,
    /// An action parameter Graph requires (non-nullable, not optional).
    pub required: bool,
}

/// An entity or complex type, or an action's parameters.
#[derive(Debug)]
pub struct StructType {
    /// `microsoft.graph.participant`.
    pub name: &'static str,
    pub base: Option<&'static StructType>,
    /// Declared on this type only; `props()` adds the bases'.
    pub props: &'static [Property],
    /// Every type deriving from this one, at any depth: what `@odata.type` may name instead.
    pub derived: &'static [&'static StructType],
    pub is_abstract: bool,
    pub open: bool,
}

impl StructType {
    /// The property named `key`, ignoring case as PowerShell does, here or on a base type.
    pub fn prop(&self, key: &str) -> Option<&'static Property> {
        let mut ty = Some(self);
        while let Some(t) = ty {
            if let Some(p) = t.props.iter().find(|p| p.name.eq_ignore_ascii_case(key)) {
                return Some(p);
            }
            ty = t.base;
        }
        None
    }

    /// Every property, the bases' first.
    pub fn all_props(&'static self) -> Vec<&'static Property> {
        let mut chain = Vec::new();
        let mut ty = Some(self);
        while let Some(t) = ty {
            chain.push(t);
            ty = t.base;
        }
        chain.iter().rev().flat_map(|t| t.props.iter()).collect()
    }

    /// The type an `@odata.type` names in place of this one (`#microsoft.graph.x`, any case).
    pub fn resolve(&'static self, odata_type: &str) -> Option<&'static StructType> {
        let name = odata_type.trim_start_matches('#');
        if self.name.eq_ignore_ascii_case(name) {
            return Some(self);
        }
        self.derived
            .iter()
            .copied()
            .find(|d| d.name.eq_ignore_ascii_case(name))
    }
}

#[derive(Debug)]
pub struct EnumType {
    pub name: &'static str,
    pub members: &'static [&'static str],
    /// A flags enum: members joined by commas.
    pub flags: bool,
}

impl EnumType {
    /// Graph's spelling of a member, matched without regard to case.
    pub fn member(&self, text: &str) -> Option<&'static str> {
        self.members
            .iter()
            .copied()
            .find(|m| m.eq_ignore_ascii_case(text.trim()))
    }
}
