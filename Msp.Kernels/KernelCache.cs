using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using ILGPU.Runtime;

namespace Msp.Kernels;

/// <summary>
/// Loads each ILGPU kernel once per accelerator and hands back the cached launcher, so no kernel is ever
/// compiled or looked up by ILGPU inside a training step (ILGPU's own cache costs about 1 ms a hit).
/// </summary>
public static class KernelCache
{
    private static readonly ConditionalWeakTable<Accelerator, ConcurrentDictionary<MethodInfo, Delegate>> Caches = new();

    /// <summary>The launcher for <paramref name="kernel"/> on <paramref name="accelerator"/>, made by
    /// <paramref name="load"/> the first time it is asked for.</summary>
    public static TLauncher Get<TLauncher>(Accelerator accelerator, Delegate kernel, Func<Accelerator, TLauncher> load)
        where TLauncher : Delegate
    {
        var cache = Caches.GetValue(accelerator, _ => new ConcurrentDictionary<MethodInfo, Delegate>());
        if (cache.TryGetValue(kernel.Method, out var launcher))
            return (TLauncher)launcher;
        return (TLauncher)cache.GetOrAdd(kernel.Method, _ => load(accelerator));
    }
}
