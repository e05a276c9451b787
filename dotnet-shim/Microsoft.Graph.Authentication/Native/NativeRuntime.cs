using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace GraphRust.Authentication
{
    /// <summary>
    /// Which native library this machine needs (its runtime identifier and file name), and which
    /// ones a package holds. Pure functions of their inputs, so every platform is tested anywhere.
    /// </summary>
    public static class NativeRuntime
    {
        /// <summary>win, osx or linux.</summary>
        public static string CurrentOperatingSystem =>
            OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";

        /// <summary>This process's runtime identifier, as the package's runtimes/ folders name it.</summary>
        public static string Current =>
            RuntimeIdentifier(CurrentOperatingSystem, RuntimeInformation.ProcessArchitecture, IsMusl());

        /// <summary>win-x64, osx-arm64, linux-x64, linux-musl-arm64, ...</summary>
        public static string RuntimeIdentifier(string os, Architecture architecture, bool musl)
        {
            string arch = architecture switch
            {
                Architecture.X64 => "x64",
                Architecture.Arm64 => "arm64",
                Architecture.X86 => "x86",
                Architecture.Arm => "arm",
                var other => other.ToString().ToLowerInvariant(),
            };
            return os == "linux" && musl ? $"linux-musl-{arch}" : $"{os}-{arch}";
        }

        /// <summary>The native library's file name on an operating system (win, osx, linux).</summary>
        public static string LibraryFileName(string os) => os switch
        {
            "win" => "graph_ffi.dll",
            "osx" => "libgraph_ffi.dylib",
            _ => "libgraph_ffi.so",
        };

        /// <summary>The runtimes a module folder holds (runtimes/&lt;rid&gt;/native/&lt;library&gt;), sorted.</summary>
        public static string[] Held(string moduleDirectory)
        {
            string runtimes = Path.Combine(moduleDirectory, "runtimes");
            if (!Directory.Exists(runtimes))
            {
                return Array.Empty<string>();
            }

            return Directory.GetDirectories(runtimes)
                .Select(Path.GetFileName)
                .Where(rid => rid is not null && File.Exists(Path.Combine(runtimes, rid, "native", LibraryFileName(rid.Split('-')[0]))))
                .Select(rid => rid!)
                .OrderBy(rid => rid, StringComparer.Ordinal)
                .ToArray();
        }

        /// <summary>
        /// Why a module folder cannot serve a runtime (null when it can): the sentence Import-Module
        /// shows on a platform the package was not built for, instead of a failure at the first call.
        /// </summary>
        public static string? MissingRuntimeMessage(string moduleDirectory, string runtimeIdentifier)
        {
            string[] held = Held(moduleDirectory);
            if (held.Contains(runtimeIdentifier, StringComparer.Ordinal))
            {
                return null;
            }

            string what = held.Length == 0 ? "no native library at all" : $"native libraries for {string.Join(", ", held)} only";
            return $"This copy of Microsoft.Graph.Authentication holds {what}; this machine needs {runtimeIdentifier}. " +
                   "Install the package built for every platform from the gallery, or build the module on this machine (see the README).";
        }

        /// <summary>
        /// musl (Alpine) rather than glibc: .NET's own identifier says so for the musl builds of
        /// .NET, and musl's dynamic loader is there otherwise.
        /// </summary>
        private static bool IsMusl()
        {
            if (!OperatingSystem.IsLinux())
            {
                return false;
            }

            if (RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            try
            {
                return Directory.Exists("/lib") && Directory.EnumerateFiles("/lib", "ld-musl-*.so.1").Any();
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
