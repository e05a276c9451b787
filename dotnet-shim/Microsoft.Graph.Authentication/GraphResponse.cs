using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Text.Json;

namespace GraphRust.Authentication
{
    /// <summary>A Graph answer as an HttpResponseMessage, for -OutputType HttpResponseMessage and for errors.</summary>
    internal static class GraphResponse
    {
        internal static HttpResponseMessage ToMessage(int status, string? reason, JsonElement headers, byte[] body)
        {
            var message = new HttpResponseMessage((HttpStatusCode)status)
            {
                ReasonPhrase = reason,
                Content = new ByteArrayContent(body),
            };
            foreach (KeyValuePair<string, string[]> header in NativeCmdlet.ResponseHeaderDictionary(headers))
            {
                if (!message.Headers.TryAddWithoutValidation(header.Key, header.Value))
                {
                    message.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            return message;
        }
    }
}
