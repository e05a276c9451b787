using System;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace GraphHostHarness
{
    /// <summary>
    /// The entry points the Rust host (rust/graph-host-tests) calls through netcorehost.
    /// A request is UTF-8 JSON; the answer is UTF-8 JSON in a buffer the caller frees with <see cref="Free"/>.
    /// Nothing thrown here crosses back into Rust: failures become {"harnessError": "..."}.
    /// </summary>
    public static unsafe class HarnessEntry
    {
        [UnmanagedCallersOnly]
        public static int Invoke(byte* request, int length, byte** answer, int* answerLength)
        {
            byte[] reply;
            try
            {
                // Generated values nest deeper than the reader's default 64 on purpose (the writer must refuse them).
                using JsonDocument doc = JsonDocument.Parse(
                    new ReadOnlyMemory<byte>(new ReadOnlySpan<byte>(request, length).ToArray()), new JsonDocumentOptions { MaxDepth = 4096 });
                reply = CommandRunner.Run(doc.RootElement);
            }
            catch (Exception e)
            {
                reply = JsonSerializer.SerializeToUtf8Bytes(new { harnessError = e.ToString() });
            }

            IntPtr buffer = Marshal.AllocHGlobal(Math.Max(reply.Length, 1));
            Marshal.Copy(reply, 0, buffer, reply.Length);
            *answer = (byte*)buffer;
            *answerLength = reply.Length;
            return 0;
        }

        [UnmanagedCallersOnly]
        public static void Free(byte* buffer) => Marshal.FreeHGlobal((IntPtr)buffer);

        /// <summary>The harness is started as an app (so that PowerShell's assemblies are on the app's
        /// own load path); Main only runs when someone starts it with dotnet by mistake.</summary>
        public static int Main()
        {
            Console.Error.WriteLine(Encoding.UTF8.GetString("This harness is loaded by rust/graph-host-tests; it does nothing on its own."u8));
            return 2;
        }
    }
}
