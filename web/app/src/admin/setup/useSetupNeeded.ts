// Whether the admin should open on guided setup: asked once as the admin opens. Until the answer
// comes (or if it cannot be had) the admin shows its usual screens.
import { useEffect, useState } from 'react';
import { fetchSetup } from './setup-api';

export function useSetupNeeded(): boolean {
  const [needed, setNeeded] = useState(false);
  useEffect(() => {
    const abort = new AbortController();
    fetchSetup(abort.signal).then((v) => setNeeded(v.needed), () => undefined);
    return () => abort.abort();
  }, []);
  return needed;
}
