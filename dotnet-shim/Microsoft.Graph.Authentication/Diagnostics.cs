using GraphRust.Authentication.Native;

namespace GraphRust.Authentication
{
    /// <summary>Facts about the native side, for tests and troubleshooting.</summary>
    public static class Diagnostics
    {
        /// <summary>Native calls whose handle or work still exists; zero when nothing is running.</summary>
        public static ulong LiveNativeCalls() => NativeCall.LiveCalls();

        /// <summary>The ABI version of the loaded native library.</summary>
        public static uint NativeAbiVersion()
        {
            NativeMethods.EnsureLoaded();
            return NativeMethods.mg_abi_version();
        }
    }
}
