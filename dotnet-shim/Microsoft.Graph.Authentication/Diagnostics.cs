using GraphRust.Authentication.Native;

namespace GraphRust.Authentication
{
    /// <summary>Facts about the native side, for tests and troubleshooting.</summary>
    public static class Diagnostics
    {
        /// <summary>Native calls whose handle or work still exists; zero when nothing is running.</summary>
        public static ulong LiveNativeCalls() => NativeCall.LiveCalls();

        /// <summary>
        /// Test aid: these host names fail to resolve, without any DNS query being made,
        /// so tests can see the error a user gets for a name that does not resolve.
        /// </summary>
        public static void SetUnresolvableHosts(string[] hosts)
        {
            var request = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new System.Text.Json.Utf8JsonWriter(request))
            {
                writer.WriteStartObject();
                writer.WriteString("op", "testHooks");
                writer.WriteStartObject("args");
                writer.WriteStartArray("unresolvableHosts");
                foreach (string host in hosts)
                {
                    writer.WriteStringValue(host);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            using NativeCall call = NativeCall.Start(request);
            while (true)
            {
                using var next = call.Next(1000, out bool finished);
                if (finished)
                {
                    return;
                }
            }
        }

        /// <summary>The ABI version of the loaded native library.</summary>
        public static uint NativeAbiVersion()
        {
            NativeMethods.EnsureLoaded();
            return NativeMethods.mg_abi_version();
        }
    }
}
