package org.msense.tests.contract;

import org.msense.core.backend.Backends;
import org.msense.core.backend.Engine;
import org.msense.core.backend.EngineOptions;

/** The contract against the CPU backend, found through the same discovery the CLI uses, on two threads. */
class CpuBackendContractTest extends BackendContract {
    @Override
    protected Engine open() {
        return Backends.select("cpu", Backends.discover()).backend().open(EngineOptions.defaults().withThreads(2));
    }
}
