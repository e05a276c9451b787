namespace Microsoft.Graph.PowerShell.Authentication.Models
{
    /// <summary>The methods Invoke-MgGraphRequest sends, as Microsoft's enum names them.</summary>
    public enum GraphRequestMethod
    {
        GET,
        POST,
        PUT,
        PATCH,
        DELETE,
    }

    /// <summary>What Invoke-MgGraphRequest returns: a hashtable (default), a PSObject, the JSON text, or the response message.</summary>
    public enum OutputType
    {
        HashTable,
        PSObject,
        HttpResponseMessage,
        Json,
    }

    /// <summary>Default: the session's token; UserProvidedToken: the one given with -Token.</summary>
    public enum GraphRequestAuthenticationType
    {
        Default,
        UserProvidedToken,
    }
}
