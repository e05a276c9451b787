using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace GraphRust.Authentication.Native
{
    /// <summary>The C ABI of graph-ffi. Buffers it hands out are freed with mg_buffer_free.</summary>
    internal static class NativeMethods
    {
        internal const string LibraryName = "graph_ffi";

        /// <summary>The ABI this shim was written against; graph-ffi's ABI_VERSION.</summary>
        internal const uint ExpectedAbiVersion = 1;

        internal enum MgResult
        {
            Ok = 0,
            Timeout = 1,
            Finished = 2,
            NullArgument = -1,
            Panic = -2,
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct MgBuffer
        {
            public IntPtr Ptr;
            public UIntPtr Len;
        }

        static NativeMethods()
        {
            NativeLibraryResolver.Register(typeof(NativeMethods).Assembly);
        }

        private static readonly object CheckGate = new();
        private static bool abiChecked;

        /// <summary>Loads the native library and checks its ABI version, once.</summary>
        internal static void EnsureLoaded()
        {
            lock (CheckGate)
            {
                if (abiChecked)
                {
                    return;
                }

                uint version;
                try
                {
                    version = mg_abi_version();
                }
                catch (DllNotFoundException e)
                {
                    throw new InvalidOperationException(
                        $"The native library of Microsoft.Graph.Authentication was not found for {NativeLibraryResolver.RuntimeIdentifier} " +
                        $"(looked in {NativeLibraryResolver.ExpectedPath(typeof(NativeMethods).Assembly)}). Reinstall the module, or build it for this platform.", e);
                }

                if (version != ExpectedAbiVersion)
                {
                    throw new InvalidOperationException(
                        $"The native library of Microsoft.Graph.Authentication speaks ABI version {version}, but this module needs version {ExpectedAbiVersion}. " +
                        "The module's files are from different builds: reinstall the module.");
                }

                abiChecked = true;
            }
        }

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint mg_abi_version();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern UIntPtr mg_live_calls();

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern MgResult mg_call_start(ref byte request, UIntPtr len, out IntPtr handle);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern MgResult mg_call_next(IntPtr handle, uint timeoutMs, out MgBuffer buffer);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern MgResult mg_call_cancel(IntPtr handle);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern MgResult mg_call_free(IntPtr handle);

        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern MgResult mg_buffer_free(MgBuffer buffer);
    }

    /// <summary>
    /// Finds graph-ffi beside this assembly, in runtimes/&lt;rid&gt;/native. Registered once per
    /// assembly load (Import-Module -Force reuses the loaded assembly, so it is not registered twice).
    /// </summary>
    internal static class NativeLibraryResolver
    {
        private static readonly object Gate = new();
        private static bool registered;

        internal static string RuntimeIdentifier => NativeRuntime.Current;

        internal static string ExpectedPath(Assembly assembly)
        {
            string dir = Path.GetDirectoryName(assembly.Location) ?? ".";
            return Path.Combine(dir, "runtimes", RuntimeIdentifier, "native", NativeRuntime.LibraryFileName(NativeRuntime.CurrentOperatingSystem));
        }

        internal static void Register(Assembly assembly)
        {
            lock (Gate)
            {
                if (registered)
                {
                    return;
                }

                try
                {
                    NativeLibrary.SetDllImportResolver(assembly, Resolve);
                }
                catch (InvalidOperationException)
                {
                    // A resolver is already set for this assembly: the one we set before.
                }

                registered = true;
            }
        }

        private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (name != NativeMethods.LibraryName)
            {
                return IntPtr.Zero;
            }

            string path = ExpectedPath(assembly);
            return NativeLibrary.TryLoad(path, out IntPtr handle) ? handle : IntPtr.Zero;
        }
    }
}
