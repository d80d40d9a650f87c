'use client';
// /admin/events/new and /admin/events/[id]/edit: loads what the form needs,
// then hands over to EditorBody.
import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { VenueSpec } from '../../../lib/venueLayout';
import { adminApi, type AdminEventListItem } from '../../../lib/client/adminApi';
import { fmtDuration } from '../../../lib/client/adminFormat';
import { emptySpec } from '../../../lib/client/adminLayout';
import { EditorBody } from './EditorBody';
import a from '../admin.module.css';
import f from '../forms.module.css';

interface Loaded {
  event: AdminEventListItem | null;
  spec: VenueSpec;
  /** Why the layout cannot be edited here (e.g. created without the builder). */
  layoutLocked: string | null;
  defaultTtlText?: string;
}

export function EventEditor({ eventId }: { eventId: string | null }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const list = await adminApi.events();
      if (cancelled) return;
      if (!list.ok) return setError(list.error.message);
      const withDefault = list.events.find((e) => e.holdTtlOverride === null);
      const defaultTtlText = withDefault ? fmtDuration(withDefault.holdTtlMs) : undefined;
      if (eventId === null) return setLoaded({ event: null, spec: emptySpec(), layoutLocked: null, defaultTtlText });
      const event = list.events.find((e) => e.id === eventId);
      if (!event) return setError('No such event. It may have been deleted.');
      const layout = await adminApi.layout(eventId);
      if (cancelled) return;
      if (layout.ok) setLoaded({ event, spec: layout.venue, layoutLocked: null, defaultTtlText });
      else setLoaded({ event, spec: emptySpec(), layoutLocked: layout.error.message, defaultTtlText });
    })();
    return () => {
      cancelled = true;
    };
  }, [eventId]);

  if (error) {
    return (
      <>
        <div className={a.crumbs}>
          <Link href="/admin">Events</Link>
        </div>
        <div className={f.notice} data-tone="error" role="alert">
          {error}
        </div>
      </>
    );
  }
  if (!loaded) return <p className={a.muted}>Loading…</p>;
  return <EditorBody event={loaded.event} initialSpec={loaded.spec} layoutLocked={loaded.layoutLocked} defaultTtlText={loaded.defaultTtlText} />;
}
