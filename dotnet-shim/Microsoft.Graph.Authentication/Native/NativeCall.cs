using System;
using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using GraphRust.Authentication.Json;

namespace GraphRust.Authentication.Native
{
    /// <summary>
    /// One started native operation. Events are read on the pipeline thread with
    /// <see cref="Next"/>; <see cref="Cancel"/> may come from any thread (StopProcessing).
    /// </summary>
    internal sealed class NativeCall : IDisposable
    {
        private readonly object gate = new();
        private IntPtr handle;

        private NativeCall(IntPtr handle)
        {
            this.handle = handle;
        }

        /// <summary>Starts the request, then wipes the request buffer (it may hold a secret).</summary>
        internal static NativeCall Start(ArrayBufferWriter<byte> request)
        {
            NativeMethods.EnsureLoaded();
            try
            {
                Span<byte> bytes = MemoryMarshal.AsMemory(request.WrittenMemory).Span;
                var result = NativeMethods.mg_call_start(ref MemoryMarshal.GetReference(bytes), (UIntPtr)bytes.Length, out IntPtr handle);
                if (result != NativeMethods.MgResult.Ok || handle == IntPtr.Zero)
                {
                    throw new InvalidOperationException($"The native library refused to start the call ({result}).");
                }

                return new NativeCall(handle);
            }
            finally
            {
                // ArrayBufferWriter.Clear zeroes what was written.
                request.Clear();
            }
        }

        /// <summary>
        /// The next event as a parsed document, or null when the call has finished.
        /// Waits at most <paramref name="timeoutMs"/>; returns <c>false</c> from <paramref name="finished"/> on timeout.
        /// </summary>
        internal JsonDocument? Next(uint timeoutMs, out bool finished)
        {
            finished = false;
            NativeMethods.MgBuffer buffer;
            NativeMethods.MgResult result;
            lock (gate)
            {
                if (handle == IntPtr.Zero)
                {
                    finished = true;
                    return null;
                }
            }

            // Not under the lock: Cancel must be able to run while this waits.
            result = NativeMethods.mg_call_next(handle, timeoutMs, out buffer);
            switch (result)
            {
                case NativeMethods.MgResult.Ok:
                    try
                    {
                        byte[] bytes = new byte[(int)buffer.Len];
                        Marshal.Copy(buffer.Ptr, bytes, 0, bytes.Length);
                        return JsonDocument.Parse(bytes, JsonLimits.Document);
                    }
                    finally
                    {
                        NativeMethods.mg_buffer_free(buffer);
                    }

                case NativeMethods.MgResult.Timeout:
                    return null;
                case NativeMethods.MgResult.Finished:
                    finished = true;
                    return null;
                default:
                    throw new InvalidOperationException($"The native library failed while reading events ({result}).");
            }
        }

        internal void Cancel()
        {
            lock (gate)
            {
                if (handle != IntPtr.Zero)
                {
                    NativeMethods.mg_call_cancel(handle);
                }
            }
        }

        public void Dispose()
        {
            lock (gate)
            {
                if (handle != IntPtr.Zero)
                {
                    NativeMethods.mg_call_free(handle);
                    handle = IntPtr.Zero;
                }
            }
        }

        /// <summary>Calls whose native handle or work still exists (for leak checks).</summary>
        internal static ulong LiveCalls()
        {
            NativeMethods.EnsureLoaded();
            return (ulong)NativeMethods.mg_live_calls();
        }
    }
}
