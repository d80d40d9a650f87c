import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="page">
      <div className="card empty-state">
        <h1>We couldn’t find that page</h1>
        <p>The link may be out of date, or the page may have moved. Browse what’s on sale instead.</p>
        <Link href="/" className="button button--primary">
          See all events
        </Link>
      </div>
    </div>
  );
}
