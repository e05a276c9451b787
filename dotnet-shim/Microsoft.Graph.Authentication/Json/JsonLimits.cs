using System.Text.Json;

namespace GraphRust.Authentication.Json
{
    /// <summary>
    /// How deep the JSON we read may nest. The reader's default (64) is the writer's own limit for
    /// bodies, so a body at that limit came back inside an event one level too deep and failed the
    /// command (found by the generated-input suite). 256 is above what the native side parses (128)
    /// plus its event envelope.
    /// </summary>
    public static class JsonLimits
    {
        public static readonly JsonDocumentOptions Document = new() { MaxDepth = 256 };
    }
}
