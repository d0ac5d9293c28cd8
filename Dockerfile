# The service under gunicorn. docker-compose.yml runs it with PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 READ_DOT_ENV=0
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# collectstatic only needs settings to load; these build-time values are not used at run time.
RUN SECRET_KEY=collectstatic-only \
    CONFIG_ENCRYPTION_KEYS=Y29sbGVjdHN0YXRpYy1vbmx5LW5vdC1hLXJlYWxrZXk= \
    python manage.py collectstatic --noinput -v0

RUN useradd --create-home app && mkdir -p /app/media && chown app /app/media
USER app

EXPOSE 8000
# 3 gthread workers of 4 threads, as `make run`: lookups are answered while uploads run (the
# largest, 10 MB, takes about 70 s on PostgreSQL on 2 cores). See WORKERS and TIMEOUT in the
# Makefile for the reasons.
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn omnitron.wsgi --bind 0.0.0.0:8000 --workers 3 --worker-class gthread --threads 4 --timeout 180 --no-control-socket --access-logfile - --access-logformat '%(h)s %(t)s \"%(m)s %(U)s %(H)s\" %(s)s %(b)s %(M)sms'"]
