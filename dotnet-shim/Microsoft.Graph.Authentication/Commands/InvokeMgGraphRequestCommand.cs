using System;
using System.Buffers;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Net.Http;
using System.Security;
using System.Text;
using System.Text.Json;
using GraphRust.Authentication.Json;
using Microsoft.Graph.PowerShell.Authentication.Models;

namespace GraphRust.Authentication.Commands
{
    /// <summary>
    /// Any Graph call by URI, method and body, through the session's token, retries and
    /// timeouts (the native side does the call). This side turns the PowerShell body into text
    /// or bytes, resolves paths, and turns the answer into the -OutputType asked for.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "MgGraphRequest", DefaultParameterSetName = UserSet)]
    [Alias("Invoke-GraphRequest", "Invoke-MgRestMethod")]
    [OutputType(typeof(Hashtable), typeof(PSObject), typeof(string), typeof(HttpResponseMessage))]
    public sealed class InvokeMgGraphRequestCommand : NativeCmdlet
    {
        private const string UserSet = "UserParameterSet";

        [Parameter(ParameterSetName = UserSet, Position = 1)]
        public GraphRequestMethod Method { get; set; } = GraphRequestMethod.GET;

        [Parameter(ParameterSetName = UserSet, Position = 2, Mandatory = true)]
        public Uri? Uri { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 3, ValueFromPipeline = true)]
        public object? Body { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 4)]
        public IDictionary? Headers { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 5)]
        public string? OutputFilePath { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 6)]
        public SwitchParameter InferOutputFileName { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 7)]
        public string? InputFilePath { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 8)]
        public SwitchParameter PassThru { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 9)]
        public SecureString? Token { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 10)]
        public SwitchParameter SkipHeaderValidation { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 11)]
        public string? ContentType { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 12)]
        public GraphRequestAuthenticationType Authentication { get; set; } = GraphRequestAuthenticationType.Default;

        [Parameter(ParameterSetName = UserSet, Position = 14)]
        [Alias("RHV")]
        public string? ResponseHeadersVariable { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 15)]
        public string? StatusCodeVariable { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 16)]
        public SwitchParameter SkipHttpErrorCheck { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 18)]
        public string? UserAgent { get; set; }

        [Parameter(ParameterSetName = UserSet, Position = 19)]
        public OutputType OutputType { get; set; } = OutputType.HashTable;

        /// <summary>Microsoft's debugger hook; accepted and ignored.</summary>
        [Parameter(DontShow = true)]
        public SwitchParameter Break { get; set; }

        protected override bool ErrorsTerminate => true;

        private bool WritesToPipeline => (OutputFilePath is null && !InferOutputFileName) || PassThru;

        protected override void BeginProcessing()
        {
            string? conflict = null;
            if (PassThru && OutputFilePath is null && !InferOutputFileName)
            {
                conflict = "-PassThru needs -OutputFilePath (or -InferOutputFileName): it returns the answer as well as saving it.";
            }
            else if (InferOutputFileName && OutputFilePath is not null)
            {
                conflict = "Give either -OutputFilePath or -InferOutputFileName, not both.";
            }
            else if (Authentication == GraphRequestAuthenticationType.UserProvidedToken && Token is null)
            {
                conflict = "-Authentication UserProvidedToken needs -Token.";
            }

            if (conflict is not null)
            {
                ThrowTerminatingError(ArgumentError("InvalidParameterCombination", conflict, null));
            }
        }

        protected override void ProcessRecord()
        {
            object? body = Body is PSObject pso && pso.BaseObject is not PSCustomObject ? pso.BaseObject : Body;
            if ((Method == GraphRequestMethod.POST || Method == GraphRequestMethod.PATCH) && body is null && InputFilePath is null)
            {
                WriteVerbose($"{Method} without -Body: an empty body is sent.");
            }

            if (body is not null && InputFilePath is not null)
            {
                ThrowTerminatingError(ArgumentError("InvalidParameterCombination", "Give either -Body or -InputFilePath, not both.", null));
            }

            string? inputPath = InputFilePath is null ? null : ResolveExistingFile(InputFilePath);
            string? outputPath = OutputFilePath is null ? null : GetUnresolvedProviderPathFromPSPath(OutputFilePath);
            string? inferDirectory = InferOutputFileName ? SessionState.Path.CurrentFileSystemLocation.ProviderPath : null;

            JsonElement? answer = null;
            RunNative("request", writer =>
            {
                writer.WriteString("method", Method.ToString());
                // A relative "/v1.0/me" binds to an absolute file: URI on Unix; the text as given is what counts.
                string uri = Uri!.OriginalString;
                try
                {
                    PowerShellJsonWriter.CheckText(uri, "Uri");
                }
                catch (JsonConversionException e)
                {
                    ThrowTerminatingError(ArgumentError("InvalidUri", $"{e.Message}. Nothing was sent.", Uri));
                }

                writer.WriteString("uri", uri);
                try
                {
                    WriteBody(writer, body);
                }
                catch (JsonConversionException e)
                {
                    ThrowTerminatingError(ArgumentError("InvalidBody", $"Body: {e.Message}. Nothing was sent.", e.Path));
                }

                if (inputPath is not null)
                {
                    writer.WriteString("inputFile", inputPath);
                }

                if (Headers is not null)
                {
                    writer.WritePropertyName("headers");
                    try
                    {
                        PowerShellJsonWriter.Write(writer, Headers, "Headers");
                    }
                    catch (JsonConversionException e)
                    {
                        ThrowTerminatingError(ArgumentError("InvalidHeaders", e.Message, Headers));
                    }
                }

                WriteOptional(writer, "contentType", ContentType);
                WriteOptional(writer, "userAgent", UserAgent);
                WriteOptional(writer, "outputFile", outputPath);
                WriteOptional(writer, "inferOutputDirectory", inferDirectory);
                writer.WriteBoolean("skipHttpErrorCheck", SkipHttpErrorCheck);
                writer.WriteBoolean("skipHeaderValidation", SkipHeaderValidation);
                writer.WriteBoolean("returnBody", WritesToPipeline);
                if (Token is not null)
                {
                    SecureStringWriter.Write(writer, "token", Token);
                }
            }, onResult: (value, _) => answer = value);

            if (answer is JsonElement a)
            {
                WriteAnswer(a);
            }
        }

        private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
        {
            if (value is not null)
            {
                writer.WriteString(name, value);
            }
        }

        /// <summary>
        /// The body as Microsoft's module sends it: a dictionary on GET becomes the query; a
        /// dictionary, object or list becomes JSON; a string goes as it is; bytes raw; any other
        /// value its invariant text.
        /// </summary>
        private void WriteBody(Utf8JsonWriter writer, object? body)
        {
            switch (body)
            {
                case null:
                    return;
                case IDictionary query when Method == GraphRequestMethod.GET:
                    writer.WriteStartArray("query");
                    foreach (DictionaryEntry entry in query)
                    {
                        writer.WriteStartArray();
                        string key = PowerShellJsonWriter.CheckText(entry.Key?.ToString() ?? string.Empty, "query");
                        writer.WriteStringValue(key);
                        writer.WriteStringValue(PowerShellJsonWriter.CheckText(entry.Value?.ToString() ?? string.Empty, key));
                        writer.WriteEndArray();
                    }

                    writer.WriteEndArray();
                    return;
                case string text:
                    writer.WriteString("bodyText", PowerShellJsonWriter.CheckText(text, string.Empty));
                    return;
                case byte[] bytes:
                    writer.WriteBase64String("bodyBase64", bytes);
                    return;
                case IDictionary:
                case PSObject:
                case IList:
                    var json = new ArrayBufferWriter<byte>(1024);
                    using (var bodyWriter = new Utf8JsonWriter(json))
                    {
                        PowerShellJsonWriter.Write(bodyWriter, body, string.Empty);
                    }

                    writer.WriteString("bodyText", Encoding.UTF8.GetString(json.WrittenSpan));
                    return;
                default:
                    writer.WriteString("bodyText", PowerShellJsonWriter.CheckText(
                        (string)LanguagePrimitives.ConvertTo(body, typeof(string), CultureInfo.InvariantCulture), string.Empty));
                    return;
            }
        }

        private string ResolveExistingFile(string path)
        {
            ProviderInfo provider;
            System.Collections.ObjectModel.Collection<string> paths;
            try
            {
                paths = GetResolvedProviderPathFromPSPath(path, out provider);
            }
            catch (ItemNotFoundException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, "InputFileNotFound", ErrorCategory.ObjectNotFound, path));
                throw;
            }

            if (provider.Name != "FileSystem" || paths.Count != 1 || Directory.Exists(paths[0]))
            {
                ThrowTerminatingError(ArgumentError("InvalidInputFilePath", $"InputFilePath '{path}' must name one file.", path));
            }

            return paths[0];
        }

        private void WriteAnswer(JsonElement answer)
        {
            int status = answer.GetProperty("statusCode").GetInt32();
            if (StatusCodeVariable is not null)
            {
                SessionState.PSVariable.Set(StatusCodeVariable, status);
            }

            JsonElement headers = answer.GetProperty("headers");
            if (ResponseHeadersVariable is not null)
            {
                SessionState.PSVariable.Set(ResponseHeadersVariable, ResponseHeaderDictionary(headers));
            }

            if (!WritesToPipeline)
            {
                return;
            }

            string? text = answer.TryGetProperty("text", out JsonElement t) ? t.GetString() : null;
            byte[]? bytes = answer.TryGetProperty("base64", out JsonElement b) ? b.GetBytesFromBase64() : null;
            if (OutputType == OutputType.HttpResponseMessage)
            {
                WriteObject(GraphResponse.ToMessage(status, answer.GetProperty("reasonPhrase").GetString(), headers, bytes ?? Encoding.UTF8.GetBytes(text ?? string.Empty)));
                return;
            }

            if (bytes is not null)
            {
                // Not text: returned as the bytes it is, never decoded into something else.
                WriteObject(bytes, enumerateCollection: false);
                return;
            }

            if (string.IsNullOrEmpty(text))
            {
                return;
            }

            if (OutputType == OutputType.Json)
            {
                WriteObject(text);
                return;
            }

            JsonDocument? document = null;
            try
            {
                document = JsonDocument.Parse(text, JsonLimits.Document);
            }
            catch (JsonException)
            {
                // A CSV report, a file, an HTML page: returned as the text it is.
                string contentType = answer.TryGetProperty("contentType", out JsonElement ct) ? ct.GetString() ?? "no content type" : "no content type";
                WriteVerbose($"The answer is not JSON ({contentType}); it is returned as text. Use -OutputFilePath to save it to a file.");
                WriteObject(text);
                return;
            }

            using (document)
            {
                object? value = OutputType == OutputType.PSObject
                    ? ToPSObject(document.RootElement)
                    : PowerShellObjectBuilder.Build(document.RootElement);
                WriteObject(value, enumerateCollection: false);
            }
        }

        private static object? ToPSObject(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var pso = new PSObject();
                    foreach (JsonProperty property in element.EnumerateObject())
                    {
                        pso.Properties.Add(new PSNoteProperty(property.Name, ToPSObject(property.Value)));
                    }

                    return pso;
                case JsonValueKind.Array:
                    var items = new List<object?>();
                    foreach (JsonElement item in element.EnumerateArray())
                    {
                        items.Add(ToPSObject(item));
                    }

                    return items.ToArray();
                default:
                    return PowerShellObjectBuilder.Build(element);
            }
        }
    }
}
