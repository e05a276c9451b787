//! How the generator describes a command to the core (`crate::generated::commands`): for each of
//! its parameter sets, the request the one generic operation (`operations::generic`) sends.

use crate::schema::descriptor::StructType;

/// A generated command, by Microsoft's name.
#[derive(Debug)]
pub struct Command {
    pub name: &'static str,
    pub operations: &'static [Operation],
    pub body: Option<Body>,
}

/// One request shape: the sets that send it, method, path template and ids, and the answer.
#[derive(Debug)]
pub struct Operation {
    pub sets: &'static [&'static str],
    pub method: &'static str,
    /// `/communications/calls/{call-id}/participants`, under the environment's `/v1.0`.
    pub path: &'static str,
    pub path_params: &'static [PathParam],
    pub answer: Answer,
    /// The Graph type of the answer (of each item, for a collection).
    pub answer_type: Option<&'static str>,
    /// The body is the bytes of the file the `InFile` value names (a stream property's `PUT`).
    pub upload: bool,
}

/// An id in the path: the cmdlet parameter that carries it and its key in the template.
#[derive(Debug)]
pub struct PathParam {
    pub param: &'static str,
    pub key: &'static str,
}

/// How an answer is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// No body (202, 204): accepted.
    None,
    /// One object.
    Entity,
    /// Pages of a collection (`value`, `@odata.nextLink`, `@odata.count`).
    Collection,
    /// `/$count`: a number as text.
    Count,
    /// A stream property's bytes, written to the file the `OutFile` value names as they arrive.
    Stream,
    /// A primitive in `value` (a function answering a string).
    Value,
}

/// The body: its type, and which expanded parameter carries which property.
#[derive(Debug)]
pub struct Body {
    pub ty: &'static StructType,
    pub params: &'static [(&'static str, &'static str)],
}

impl Command {
    /// The command named `name` (the table is sorted by name).
    pub fn find(name: &str) -> Option<&'static Command> {
        let table = crate::generated::commands::COMMANDS;
        table
            .binary_search_by(|c| c.name.cmp(name))
            .ok()
            .map(|i| &table[i])
    }

    /// The operation a parameter set sends; a command with one operation sends it for any set
    /// (PowerShell names a command's only set `__AllParameterSets`).
    pub fn operation(&self, set: &str) -> Option<&'static Operation> {
        let operations: &'static [Operation] = self.operations;
        operations
            .iter()
            .find(|o| o.sets.contains(&set))
            .or(if operations.len() == 1 {
                operations.first()
            } else {
                None
            })
    }
}

/// Every command's requests, one row per operation, for `Find-MgGraphCommand`: the command,
/// its method and path template, the parameter sets that send it, and the output type's
/// interface name (empty when the answer is no model, as Microsoft's table has it).
pub fn table() -> serde_json::Value {
    let rows = crate::generated::commands::COMMANDS
        .iter()
        .flat_map(|command| {
            command.operations.iter().map(move |operation| {
                serde_json::json!({
                    "command": command.name,
                    "method": operation.method,
                    "uri": operation.path,
                    "variants": operation.sets,
                    "outputType": match (operation.answer, operation.answer_type) {
                        (Answer::Entity | Answer::Collection, Some(graph_type)) => interface_name(graph_type),
                        _ => String::new(),
                    },
                })
            })
        })
        .collect();
    serde_json::Value::Array(rows)
}

/// `microsoft.graph.callRecords.callRecord` → `IMicrosoftGraphCallRecordsCallRecord`, as the
/// generator names the model interfaces.
fn interface_name(graph_type: &str) -> String {
    let mut name = String::from("I");
    for part in graph_type.split('.') {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            name.extend(first.to_uppercase());
            name.push_str(chars.as_str());
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_a_row_per_operation_with_microsofts_interface_names() {
        let table = table();
        let rows = table.as_array().unwrap();
        let operations: usize = crate::generated::commands::COMMANDS
            .iter()
            .map(|c| c.operations.len())
            .sum();
        assert_eq!(rows.len(), operations);
        let record = rows
            .iter()
            .find(|r| r["command"] == "Get-MgCommunicationCallRecord" && r["variants"][0] == "Get")
            .unwrap();
        assert_eq!(record["outputType"], "IMicrosoftGraphCallRecordsCallRecord");
        assert_eq!(record["uri"], "/communications/callRecords/{callRecord-id}");
        let remove = rows
            .iter()
            .find(|r| r["command"] == "Remove-MgCommunicationCall")
            .unwrap();
        assert_eq!(remove["method"], "DELETE");
        assert_eq!(remove["outputType"], "");
    }

    #[test]
    fn the_table_is_sorted_and_every_command_is_found() {
        let table = crate::generated::commands::COMMANDS;
        assert!(table.windows(2).all(|w| w[0].name < w[1].name));
        for command in table {
            assert!(std::ptr::eq(Command::find(command.name).unwrap(), command));
            for operation in command.operations {
                for param in operation.path_params {
                    assert!(operation.path.contains(&format!("{{{}}}", param.key)));
                }
            }
        }
        assert!(Command::find("Get-MgNothing").is_none());
    }

    #[test]
    fn sets_choose_the_operation() {
        let get = Command::find("Get-MgCommunicationCallParticipant").unwrap();
        assert_eq!(get.operation("List").unwrap().answer, Answer::Collection);
        assert_eq!(
            get.operation("GetViaIdentity").unwrap().answer,
            Answer::Entity
        );
        let count = Command::find("Get-MgCommunicationCallCount").unwrap();
        assert_eq!(
            count.operation("__AllParameterSets").unwrap().answer,
            Answer::Count
        );
    }
}
