using System.Text.Json;

namespace GraphRust.Authentication.Json
{
    /// <summary>
    /// An object that writes its own JSON (the generated Graph models): given back as a body or a
    /// property, it is sent with Graph's property names, not its PowerShell ones.
    /// </summary>
    public interface IJsonWritable
    {
        void WriteJson(Utf8JsonWriter writer);
    }
}
