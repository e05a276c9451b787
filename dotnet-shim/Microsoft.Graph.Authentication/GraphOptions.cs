using System;
using System.IO;
using System.Management.Automation;
using System.Text.Json;
using GraphRust.Authentication.Native;

namespace GraphRust.Authentication
{
    /// <summary>
    /// Microsoft's Get-/Set-MgGraphOption settings, kept in the settings directory (~/.mg) in
    /// Microsoft's shape so that both modules read the same file. A file that cannot be read
    /// counts as the defaults; it is replaced on the next Set-MgGraphOption.
    /// </summary>
    internal sealed class GraphOptions
    {
        private const string FileName = "mgGraphOptions.json";

        public bool EnableWAMForMSGraph { get; set; }

        public bool EnableATPoPForMSGraph { get; set; }

        private static string FilePath => Path.Combine(NativeOperation.SettingsDirectory(), FileName);

        internal static GraphOptions Load()
        {
            try
            {
                return JsonSerializer.Deserialize<GraphOptions>(File.ReadAllText(FilePath)) ?? new GraphOptions();
            }
            catch (Exception e) when (e is IOException || e is JsonException || e is UnauthorizedAccessException)
            {
                return new GraphOptions();
            }
        }

        internal void Save()
        {
            Directory.CreateDirectory(NativeOperation.SettingsDirectory());
            File.WriteAllText(FilePath, JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));
        }

        internal PSObject ToPSObject()
        {
            var result = new PSObject();
            result.Properties.Add(new PSNoteProperty(nameof(EnableWAMForMSGraph), EnableWAMForMSGraph));
            result.Properties.Add(new PSNoteProperty(nameof(EnableATPoPForMSGraph), EnableATPoPForMSGraph));
            return result;
        }
    }
}
